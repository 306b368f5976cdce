"""Italian and English in real Chromium: the switch changes the text and survives a reload and
other pages."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.web.conftest import LiveServer, screenshot, search_api


def test_switching_language_is_remembered(page: Page, web_server: LiveServer) -> None:
    page.goto(f"{web_server.url}/?q=Menschenrechte")
    expect(page.locator("html")).to_have_attribute("lang", "it")
    expect(page.locator("#search-form button.primary")).to_have_text("Cerca")
    expect(page.locator('header nav a[href="/ingest.html"]')).to_have_text("Acquisizione")
    expect(page.locator("#summary")).to_contain_text("1 risultato in")

    with page.expect_navigation():
        page.locator("#lang").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#search-form button.primary")).to_have_text("Search")
    expect(page.locator('header nav a[href="/ingest.html"]')).to_have_text("Ingest")
    expect(page.locator("#summary")).to_contain_text("1 result in")
    expect(page.locator("#facets h3").first).to_have_text("Type")
    # The search survives the switch.
    expect(page.locator("#q")).to_have_value("Menschenrechte")
    screenshot(page, "search-en")

    page.reload()
    expect(page.locator("#search-form button.primary")).to_have_text("Search")
    expect(page.locator("#lang")).to_have_value("en")

    # Other pages follow the choice.
    pdf = search_api(web_server, "filename:udhr_ger.pdf")[0]
    page.goto(f"{web_server.url}/document.html?id={pdf['id']}")
    expect(page.locator("#metadata h3")).to_have_text("Metadata")
    screenshot(page, "document-en")
    page.goto(f"{web_server.url}/ingest.html")
    expect(page.locator("#upload-title")).to_have_text("Upload files")
    screenshot(page, "ingest-en")

    with page.expect_navigation():
        page.locator("#lang").select_option("it")
    expect(page.locator("#upload-title")).to_have_text("Carica file")
