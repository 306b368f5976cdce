"""Search by meaning in real Chromium: an English sentence finds the Italian complaint, the
mode is chosen on the page and kept in the URL, and the document page lists similar documents."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import Page, expect

from tests.web.conftest import LiveServer, screenshot


def test_a_cross_lingual_search_by_meaning(page: Page, web_server: LiveServer) -> None:
    page.goto(web_server.url)
    expect(page.locator("#mode option[value=semantic]")).to_have_text("Significato")
    page.fill("#q", "formal complaint about a wrong invoice, the customer wants a refund")
    page.select_option("#mode", "semantic")
    page.click("#search-form button[type=submit]")
    expect(page.locator("#results .hit").first).to_be_visible()
    assert parse_qs(urlparse(page.url).query)["mode"] == ["semantic"]
    top = page.locator("#results .hit").nth(0)
    expect(top).to_contain_text("reclamo_118.eml")
    # the Italian passage that matched, with its page
    expect(top.locator(".fragment").first).to_contain_text(re.compile("reclamo|rimborso|fattura", re.I))
    expect(top.locator(".badge.page").first).to_have_text(re.compile(r"\d"))
    screenshot(page, "search-meaning")

    # the mode survives a reload (it is in the URL), and the page speaks English too
    page.reload()
    expect(page.locator("#mode")).to_have_value("semantic")
    page.select_option("#lang", "en")
    expect(page.locator("#mode option[value=semantic]")).to_have_text("Meaning")

    top.locator("a").first.click()
    similar = page.locator("#similar-meaning")
    expect(similar).to_be_visible()
    expect(similar.locator("h3")).to_have_text(re.compile("Similar documents", re.I))
    expect(similar.locator("li a").first).to_be_visible()
    screenshot(page, "document-similar-meaning")
