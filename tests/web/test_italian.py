"""The document page shows what the Italian formats carry: invoice data, signature, PEC receipts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page

from core.settings import Settings
from tests.support import ingest_into, make_settings
from tests.web.conftest import LiveServer, screenshot, web_app


@pytest.fixture(scope="module")
def italian_archive(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Settings:
    settings = make_settings(tmp_path_factory.mktemp("italian-page") / "data")
    italian = corpus / "italian"
    signed = sorted((italian / "fatturapa" / "signed").glob("*.p7m"))[:1]
    ingest_into(
        settings, [italian / "pec", italian / "fatturapa" / "official" / "IT01234567890_FPA01.xml", *signed]
    )
    return settings


@pytest.fixture(scope="module")
def server(italian_archive: Settings) -> Iterator[LiveServer]:
    live = LiveServer(italian_archive, web_app(italian_archive)).start()
    yield live
    live.stop()


def first_hit(server: LiveServer, q: str) -> dict[str, Any]:
    hits: list[dict[str, Any]] = httpx.get(f"{server.url}/api/search", params={"q": q}).json()["hits"]
    assert hits, q
    return hits[0]


def test_invoice_and_signature_shown_on_the_document_page(page: Page, server: LiveServer) -> None:
    invoice = first_hit(server, "filename:IT01234567890_FPA01.xml")
    page.goto(f"{server.url}/document.html?id={invoice['id']}")
    section = page.locator("#invoice")
    section.wait_for()
    assert "IT01234567890" in section.inner_text() and "123" in section.inner_text()
    screenshot(page, "document-invoice")
    signed = first_hit(server, "signature_status:verified")
    page.goto(f"{server.url}/document.html?id={signed['id']}")
    page.locator("#signature").wait_for()
    assert "trusted lists" in page.locator("#signature").inner_text()


def test_pec_message_shows_its_receipts(page: Page, server: LiveServer) -> None:
    candidates = httpx.get(f"{server.url}/api/search", params={"q": "pec_type:*", "limit": 50}).json()["hits"]
    linked = None
    for hit in candidates:
        document = httpx.get(f"{server.url}/api/documents/{hit['id']}").json()
        if document.get("pec_links") and document["pec_links"]["summary"]:
            linked = document
            break
    assert linked is not None, "no PEC document with receipts linked"
    page.goto(f"{server.url}/document.html?id={linked['id']}")
    receipts = page.locator("#pec-receipts li")
    receipts.first.wait_for()
    assert receipts.count() == len(linked["pec_links"]["summary"])
    screenshot(page, "document-pec")
