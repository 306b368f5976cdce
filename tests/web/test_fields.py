"""Key fields of a scanned receipt in real Chromium: shown beside the scan with their boxes, corrected
in one click; the correction survives reprocessing, reaches the index (`total:`) and the CSV export."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from core.settings import Settings
from tests.ingest._extract_support import require_tesseract
from tests.support import ingest_into, make_settings, run_worker
from tests.web.conftest import LiveServer, screenshot, search_api, web_app

RECEIPT = "034"  # SROIE receipt, development half: PERNIAGAAN ZHENG HUI, 09/03/2018, total 332.30
IMAGE_LOADED = "() => { const i = document.querySelector('#preview-image'); return i?.naturalWidth > 0; }"


@pytest.fixture
def receipt_archive(tmp_path: Path, corpus: Path) -> Settings:
    require_tesseract()
    settings = make_settings(tmp_path / "data")
    ingest_into(settings, [corpus / "receipts" / "img" / f"{RECEIPT}.jpg"])
    return settings


@pytest.fixture
def receipt_server(receipt_archive: Settings) -> Iterator[LiveServer]:
    server = LiveServer(receipt_archive, web_app(receipt_archive)).start()
    yield server
    server.stop()


def test_receipt_fields_with_box_corrected_and_searchable(
    page: Page, receipt_archive: Settings, receipt_server: LiveServer, corpus: Path
) -> None:
    key = json.loads((corpus / "receipts" / "key" / f"{RECEIPT}.json").read_text(encoding="utf-8"))
    hits = search_api(receipt_server, "doc_type:receipt")
    assert len(hits) == 1
    doc_id = hits[0]["id"]
    assert search_api(receipt_server, f"total:{key['total']}")[0]["id"] == doc_id
    assert search_api(receipt_server, "doc_date:2018-03")[0]["id"] == doc_id

    page.goto(f"{receipt_server.url}/document.html?id={doc_id}")
    fields = page.locator("#fields")
    expect(fields).to_be_visible()
    expect(fields.locator("tr[data-field=total] .field-value")).to_have_text("332.30")
    expect(fields.locator("tr[data-field=doc_date] .field-value")).to_have_text("2018-03-09")
    expect(page.locator("#doc-type")).to_contain_text("Scontrino")

    # the total's box is highlighted on the scan, inside the image, where the receipt prints it
    page.wait_for_function(IMAGE_LOADED)
    box = page.locator(".field-box[data-field=total]")
    expect(box).to_have_class("field-box selected")
    image = page.locator("#preview-image").bounding_box()
    marked = box.bounding_box()
    assert image and marked
    assert image["x"] <= marked["x"] and marked["x"] + marked["width"] <= image["x"] + image["width"] + 1
    assert image["y"] + image["height"] / 2 < marked["y"] < image["y"] + image["height"]  # lower half
    assert marked["width"] > 5 and marked["height"] > 3
    screenshot(page, "document-fields")

    # one click on ✎, a new value, Enter: saved at once
    fields.locator("tr[data-field=total] .field-edit").click()
    page.locator("tr[data-field=total] .field-input").fill("1.234,50")
    page.locator("tr[data-field=total] .field-input").press("Enter")
    expect(page.locator("#fields-status")).to_contain_text("1234.50")
    expect(fields.locator("tr[data-field=total] .field-value")).to_have_text("1234.50")
    screenshot(page, "document-fields-corrected")

    # the correction re-queued the document: the worker reads it again and the user's value stays
    run_worker(receipt_archive)
    stored = httpx.get(f"{receipt_server.url}/api/documents/{doc_id}", timeout=10).json()
    total = next(f for f in stored["metadata"]["fields"] if f["name"] == "total")
    assert (total["value"], total["source"]) == ("1234.50", "user")
    assert [h["id"] for h in search_api(receipt_server, "total:1234.50")] == [doc_id]
    assert [h["id"] for h in search_api(receipt_server, "total:>1000")] == [doc_id]
    assert search_api(receipt_server, f"total:{key['total']}") == []

    exported = httpx.get(
        f"{receipt_server.url}/api/documents/export/fields.csv", params={"q": "total:>1000"}, timeout=10
    )
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [(r["id"], r["total"], r["doc_date"], r["doc_type"]) for r in rows] == [
        (doc_id, "1234.50", "2018-03-09", "receipt")
    ]
