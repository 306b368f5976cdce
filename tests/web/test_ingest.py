"""The ingest page in real Chromium: an upload (file chooser and drag and drop) with per-file progress
that appears in the results once the worker ran, live counts, and a quarantined file shown with its
reason and retried."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from core.catalog import Catalog
from core.settings import Settings
from tests.support import ingest_into, make_settings, run_worker
from tests.web.conftest import LiveServer, screenshot, web_app

# Drops a text file on the drop zone, as a drag from the desktop would.
DROP_FILE = """() => {
    const data = new DataTransfer();
    const text = "Verbale di consegna: merce arrivata integra, firmato dal corriere.";
    data.items.add(new File([text], "verbale_consegna.txt", { type: "text/plain" }));
    const zone = document.getElementById("drop");
    for (const type of ["dragover", "drop"]) {
        zone.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
    }
}"""


@pytest.fixture(scope="module")
def ingest_archive(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Settings:
    """An archive holding one file that cannot be read: a password-protected PDF."""
    settings = make_settings(tmp_path_factory.mktemp("ingest-page") / "data")
    ingest_into(settings, [corpus / "ingest-file" / "password-hunter2.pdf"])
    return settings


@pytest.fixture(scope="module")
def server(ingest_archive: Settings) -> Iterator[LiveServer]:
    live = LiveServer(ingest_archive, web_app(ingest_archive)).start()
    yield live
    live.stop()


def test_failed_file_shown_with_its_reason_and_retried(
    page: Page, server: LiveServer, ingest_archive: Settings
) -> None:
    page.goto(f"{server.url}/ingest.html")
    row = page.locator("#failures tbody tr", has_text="password-hunter2.pdf")
    expect(row).to_be_visible()
    expect(row.locator(".reason")).to_contain_text(re.compile("password", re.I))
    expect(page.locator('.card[data-card="failed"] .n')).to_have_text("1")
    screenshot(page, "ingest-failure")

    job_id = int(row.get_attribute("data-job") or 0)
    row.locator("button.retry").click()
    queued = page.locator(f'#failures tbody tr[data-job="{job_id}"]')
    expect(queued).to_have_attribute("data-state", "queued")
    expect(page.locator('.card[data-card="queued"] .n')).to_have_text("1")
    catalog = Catalog(ingest_archive.resolved_catalog_url)
    try:
        job = catalog.job(job_id)
        assert job is not None and job.state == "queued"
    finally:
        catalog.close()
    screenshot(page, "ingest-retried")

    # The worker tries again; the file is still unreadable and returns to quarantine with its reason.
    run_worker(ingest_archive)
    page.reload()
    expect(page.locator("#failures tbody tr", has_text="password-hunter2.pdf")).to_be_visible()


def test_uploads_appear_in_the_results(
    page: Page, server: LiveServer, ingest_archive: Settings, corpus: Path, tmp_path: Path
) -> None:
    page.goto(f"{server.url}/ingest.html")
    expect(page.locator("#cards .card").first).to_be_visible()

    # The file chooser: one real PDF.
    twopage = tmp_path / "twopage.pdf"
    shutil.copy(corpus / "ingest-file" / "twopage.pdf", twopage)
    page.locator("#files").set_input_files(str(twopage))
    item = page.locator('#uploads li[data-file="twopage.pdf"]')
    expect(item).to_have_attribute("data-state", "queued")
    expect(item.locator("progress")).to_have_attribute("value", "100")

    # Drag and drop: a text file dropped on the zone.
    page.evaluate(DROP_FILE)
    expect(page.locator('#uploads li[data-file="verbale_consegna.txt"]')).to_have_attribute(
        "data-state", "queued"
    )
    expect(page.locator('.card[data-card="queued"] .n')).not_to_have_text("0")
    screenshot(page, "ingest-upload")

    # LiveServer has no worker: run one, then the uploads are searchable.
    run_worker(ingest_archive)
    page.reload()
    expect(page.locator('.card[data-card="queued"] .n')).to_have_text("0")
    expect(page.locator("#progress")).to_have_attribute("aria-valuenow", "100")
    screenshot(page, "ingest")

    page.goto(f"{server.url}/?q=verbale consegna")
    expect(page.locator("#results .hit", has_text="verbale_consegna.txt")).to_be_visible()
    expect(page.locator("#results .hit mark").first).to_be_visible()
    page.goto(f"{server.url}/?q=filename:twopage.pdf")
    expect(page.locator("#results .hit", has_text="twopage.pdf")).to_have_count(1)
