"""The document page in real Chromium: the query's matches in the text, the original previewed and
downloadable, an e-mail with its attachment tree, parent and thread, entities as filtered searches."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
from fastapi import Request
from playwright.sync_api import Page, expect

from core.settings import Settings
from tests.support import ingest_into, make_settings
from tests.web._archive import IBAN, THREAD_SUBJECT
from tests.web.conftest import LiveServer, screenshot, search_api, web_app

CORRECTIONS = "/api/documents/{doc_id}/corrections"

CURRENT_MARK = "() => [...document.querySelectorAll('#text mark.q')].findIndex((m) => m.matches('.current'))"
IMAGE_LOADED = "() => { const i = document.querySelector('#preview-pages img'); return i?.naturalWidth > 0; }"


def test_pdf_opened_from_a_result_shows_matches_preview_and_original(
    page: Page, web_server: LiveServer
) -> None:
    page.goto(f"{web_server.url}/?q=Menschenrechte")
    page.locator("#results .hit", has_text="udhr_ger.pdf").locator("a.title").click()
    page.wait_for_url(re.compile(r"/document\.html\?id=\w+&q=Menschenrechte"))

    # The query travels with the link and its matches are marked in the text.
    marks = page.locator("#text mark.q")
    expect(marks.first).to_be_visible()
    assert marks.count() >= 2
    assert all("menschenrecht" in m.lower() for m in marks.all_inner_texts())
    page.locator("#next-match").click()
    expect(page.locator("#text mark.q.current")).to_have_count(1)
    page.locator("#title").click()
    page.keyboard.press("n")  # the next match, from the keyboard
    assert page.evaluate(CURRENT_MARK) == 1

    # The original: its PDF pages are previewed as images, and it opens and downloads.
    preview = page.locator("#preview-pages img").first
    expect(preview).to_be_visible()
    page.wait_for_function(IMAGE_LOADED)
    original = page.locator("#original")
    href = original.get_attribute("href")
    assert href and href.endswith("/original")
    response = httpx.get(web_server.url + href, timeout=10)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    with page.expect_download() as download:
        page.locator("#download").click()
    assert download.value.suggested_filename == "udhr_ger.pdf"
    expect(page.locator("#metadata")).to_contain_text("application/pdf")
    screenshot(page, "document-pdf")


def test_email_with_attachment_tree_and_thread(page: Page, web_server: LiveServer) -> None:
    complaint = next(h for h in search_api(web_server, "filename:reclamo_118.eml"))
    page.goto(f"{web_server.url}/document.html?id={complaint['id']}&q=rimborso")
    expect(page.locator("#title")).to_have_text(THREAD_SUBJECT)
    expect(page.locator("#metadata")).to_contain_text("mario.rossi@example.it")
    expect(page.locator("#text mark.q").first).to_have_text(re.compile("rimbors", re.I))

    # The attachment, as a tree under the e-mail.
    attachment = page.locator("#children ul.tree a", has_text="dettaglio_addebiti.txt")
    expect(attachment).to_be_visible()

    # The whole thread, oldest first, this message marked.
    thread = page.locator("#thread ol.thread li")
    expect(thread).to_have_count(2)
    expect(thread.nth(0)).to_have_class(re.compile("current"))
    expect(thread.nth(1)).to_contain_text(f"Re: {THREAD_SUBJECT}")
    screenshot(page, "document-email")

    # The attachment's page links back to its parent e-mail.
    attachment.click()
    expect(page.locator("#title")).to_have_text("dettaglio_addebiti.txt")
    expect(page.locator("#parent a")).to_have_text(THREAD_SUBJECT)
    expect(page.locator("#text")).to_contain_text("Penale non dovuta")
    screenshot(page, "document-attachment")
    page.locator("#parent a").click()
    expect(page.locator("#title")).to_have_text(THREAD_SUBJECT)

    # The reply, from the thread.
    page.locator("#thread a", has_text=f"Re: {THREAD_SUBJECT}").click()
    expect(page.locator("#title")).to_have_text(f"Re: {THREAD_SUBJECT}")
    expect(page.locator("#thread ol.thread li").nth(1)).to_have_class(re.compile("current"))


def test_nested_attachments_and_unreadable_ones_in_the_tree(page: Page, web_server: LiveServer) -> None:
    forwarded = search_api(web_server, "filename:attachment_message_rfc822.eml")[0]
    page.goto(f"{web_server.url}/document.html?id={forwarded['id']}")
    expect(page.locator("#children ul.tree li").first).to_be_visible()
    with_pdf = search_api(web_server, "filename:attachment_pdf.eml")[0]
    page.goto(f"{web_server.url}/document.html?id={with_pdf['id']}")
    broken = page.locator("#children li.unreadable", has_text="broken.pdf")
    expect(broken).to_be_visible()
    expect(broken.locator(".reason")).not_to_be_empty()


def test_entity_click_opens_a_filtered_search(page: Page, web_server: LiveServer) -> None:
    complaint = search_api(web_server, "filename:reclamo_118.eml")[0]
    page.goto(f"{web_server.url}/document.html?id={complaint['id']}")
    entity = page.locator('#entities a.entity[data-field="iban"]')
    expect(entity).to_have_text(re.compile(IBAN))
    entity.click()
    page.wait_for_url(re.compile(r"/\?filter=iban"))
    expect(page.locator('.chip[data-chip^="iban:"]')).to_be_visible()
    expect(page.locator("#results .hit", has_text=THREAD_SUBJECT).first).to_be_visible()


def test_unknown_document_shows_an_error(page: Page, web_server: LiveServer) -> None:
    page.goto(f"{web_server.url}/document.html?id=does-not-exist")
    expect(page.locator("#error")).to_be_visible()
    expect(page.locator("#error")).not_to_be_empty()


def test_correction_control_posts_one_correction_per_change(page: Page, web_archive: Settings) -> None:
    """The hook for `POST /api/documents/{id}/corrections`: a stand-in route records what the page
    sends until the real one is mounted (then the real one answers)."""
    app = web_app(web_archive)
    received: list[dict[str, Any]] = []
    if not any(getattr(r, "path", "") == CORRECTIONS for r in app.routes):

        @app.post(CORRECTIONS, status_code=201)
        async def record(doc_id: str, request: Request) -> dict[str, Any]:
            received.append({"doc_id": doc_id, **await request.json()})
            return {"ok": True}

    server = LiveServer(web_archive, app).start()
    try:
        complaint = search_api(server, "filename:reclamo_118.eml")[0]
        page.goto(f"{server.url}/document.html?id={complaint['id']}")
        page.locator("#corrections summary").click()
        page.locator("#fix-complaint").uncheck()
        page.locator("#fix-category").select_option("other")
        page.locator("#corrections button[type=submit]").click()
        expect(page.locator("#corrections [role=status]")).to_have_text("Correzione salvata")
        screenshot(page, "document-correction")
    finally:
        server.stop()
    if received:
        assert received == [
            {"doc_id": complaint["id"], "kind": "complaint", "value": False},
            {"doc_id": complaint["id"], "kind": "category", "value": "other"},
        ]


def test_reading_notes_photo_details_and_mailbox_folder_are_shown(
    page: Page, tmp_path: Path, corpus: Path
) -> None:
    """A phone photo says why its picture was not read and shows its camera; a PST message its folder."""
    settings = make_settings(tmp_path / "data")
    photo_file = Path(__file__).resolve().parents[1] / "data" / "formats" / "testHEIC_livePhoto.heic"
    ingest_into(settings, [photo_file, corpus / "ingest-file" / "testPST.pst"])
    server = LiveServer(settings, web_app(settings)).start()
    try:
        photo = search_api(server, "filename:testHEIC_livePhoto.heic")[0]
        page.goto(f"{server.url}/document.html?id={photo['id']}")
        expect(page.locator("#metadata")).to_contain_text("iPhone 15 Pro")
        notes = page.locator("#warnings[role=note]")
        expect(notes).to_contain_text("Avvisi di lettura")
        expect(notes).to_contain_text("no permissively licensed")
        message = search_api(server, "clearAdaptivData")[0]
        page.goto(f"{server.url}/document.html?id={message['id']}")
        expect(page.locator("#metadata")).to_contain_text("Cartella")
        expect(page.locator("#metadata")).to_contain_text("Début du fichier de données Outlook")
        expect(page.locator("#warnings")).to_have_count(0)
        screenshot(page, "document-pst-message")
    finally:
        server.stop()
