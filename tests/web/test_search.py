"""The search page in real Chromium: highlights with page numbers, facets and chips, the URL as the
search (back button), suggestions, keyboard, syntax help and saved searches."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import Page, expect

from tests.web._archive import THREAD_SUBJECT
from tests.web.conftest import LiveServer, screenshot

HIT_DATES = "(els) => els.map((e) => e.dataset.date)"


def url_params(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def test_search_with_highlight_facet_click_and_back_button(page: Page, web_server: LiveServer) -> None:
    page.goto(f"{web_server.url}/?q=Menschenrechte")
    hit = page.locator("#results .hit", has_text="udhr_ger.pdf")
    expect(hit).to_have_count(1)
    expect(hit.locator("mark").first).to_have_text(re.compile("Menschenrechte", re.I))
    expect(hit.locator(".badge.page").first).to_have_text(re.compile(r"\d"))
    screenshot(page, "search")

    # A facet click filters, shows a chip and lands in the URL.
    page.goto(f"{web_server.url}/?q=fattura OR Menschenrechte")
    expect(page.locator("#results .hit")).not_to_have_count(0)
    page.locator('#facets button[data-facet="type"][data-value="pdf"]').click()
    expect(page.locator('.chip[data-chip="type:pdf"]')).to_be_visible()
    assert url_params(page)["filter"] == ["type:pdf"]
    expect(page.locator("#results .hit")).to_have_count(1)
    expect(page.locator("#results .hit")).to_contain_text("udhr_ger.pdf")
    expect(page.locator('#facets button[data-facet="type"][data-value="pdf"]')).to_have_attribute(
        "aria-pressed", "true"
    )
    screenshot(page, "search-facet")

    # The other types stay on offer; a second one is OR-ed in.
    email = page.locator('#facets button[data-facet="type"][data-value="email"]')
    expect(email).to_have_attribute("aria-pressed", "false")
    email.click()
    assert url_params(page)["filter"] == ["type:pdf", "type:email"]
    expect(page.locator("#results .hit", has_text="reclamo_118.eml")).to_be_visible()
    page.go_back()
    expect(page.locator("#results .hit")).to_have_count(1)

    # The chip removes the filter; the back button brings it back.
    page.locator('.chip[data-chip="type:pdf"]').click()
    expect(page.locator(".chip")).to_have_count(0)
    assert "filter" not in url_params(page)
    page.go_back()
    expect(page.locator('.chip[data-chip="type:pdf"]')).to_be_visible()
    expect(page.locator("#results .hit")).to_have_count(1)
    assert page.locator("#q").input_value() == "fattura OR Menschenrechte"


def test_extra_facets_complaint_sentiment_and_date(page: Page, web_server: LiveServer) -> None:
    page.goto(f"{web_server.url}/")
    for field in ("year", "complaint", "sentiment", "sender"):
        expect(page.locator(f'#facets section[data-field="{field}"]')).to_be_visible()
    page.locator('#facets button[data-facet="year"][data-value="2024"]').click()
    expect(page.locator('.chip[data-chip="date"]')).to_contain_text("2024")
    assert url_params(page)["date"] == ["2024"]
    expect(page.locator("#results .hit").first).to_be_visible()
    for title in page.locator("#results .hit h2").all_inner_texts():
        assert "118" in title or "dettaglio" in title.lower(), title
    # Months of the chosen year appear; picking one narrows to that month.
    page.locator('#facets button[data-facet="month"][data-value="2024-03"]').click()
    assert url_params(page)["date"] == ["2024-03"]
    expect(page.locator("#results .hit", has_text=THREAD_SUBJECT).first).to_be_visible()
    page.locator('#facets button[data-facet="sentiment"]').first.click()
    expect(page.locator('.chip[data-chip="sentiment"]')).to_be_visible()
    assert "sentiment" in url_params(page)


def test_suggestions_keyboard_and_syntax_help(page: Page, web_server: LiveServer) -> None:
    page.goto(f"{web_server.url}/")
    expect(page.locator("#results .hit").first).to_be_visible()
    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("/")
    expect(page.locator("#q")).to_be_focused()

    # Suggestions from facet values: pick the sender, which becomes a filter chip.
    page.locator("#q").press_sequentially("mario", delay=30)
    option = page.locator('#suggestions li[data-field="sender"]', has_text="mario.rossi@example.it")
    expect(option).to_be_visible()
    screenshot(page, "search-suggestions")
    while page.locator('#suggestions li[aria-selected="true"]').count() == 0 or (
        "mario.rossi" not in page.locator('#suggestions li[aria-selected="true"]').inner_text()
    ):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.locator('.chip[data-chip="sender:mario.rossi@example.it"]')).to_be_visible()
    expect(page.locator("#results .hit")).to_have_count(1)

    # j selects the first result, Enter opens it.
    page.locator("#summary").click()
    page.keyboard.press("j")
    expect(page.locator("#results .hit.selected")).to_have_count(1)
    expect(page.locator("#results .hit.selected a.title")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/document\.html\?id="))
    expect(page.locator("#title")).to_have_text(THREAD_SUBJECT)

    # The syntax cheat sheet opens and an example fills the box.
    page.goto(f"{web_server.url}/")
    page.locator("#syntax summary").click()
    example = page.locator("#syntax button.example").first
    expect(example).to_be_visible()
    example.click()
    assert page.locator("#q").input_value() == example.inner_text()
    screenshot(page, "search-syntax-help")


def test_pagination_and_sort_live_in_the_url(page: Page, web_server: LiveServer) -> None:
    page.goto(f"{web_server.url}/?sort=date_asc&limit=4")
    expect(page.locator("#sort")).to_have_value("date_asc")
    expect(page.locator("#results .hit").first).to_be_visible()
    first_page = page.locator("#results .hit").evaluate_all(HIT_DATES)
    assert first_page == sorted(first_page)
    # More than one page of results: the pager's "next" moves the offset in the URL.
    expect(page.locator("#pager a.next")).to_be_visible()
    page.locator("#pager a.next").click()
    expect(page.locator("#pager .current")).to_have_text("2")
    assert url_params(page)["offset"] == ["4"]
    second_page = page.locator("#results .hit").evaluate_all(HIT_DATES)
    assert second_page and min(second_page) >= max(first_page)
    page.locator("#sort").select_option("date_desc")
    expect(page.locator("#pager .current")).to_have_text("1")
    assert url_params(page)["sort"] == ["date_desc"] and "offset" not in url_params(page)
    page.go_back()
    expect(page.locator("#pager .current")).to_have_text("2")


def test_saved_search_is_stored_and_reopened(page: Page, web_server: LiveServer) -> None:
    page.goto(f"{web_server.url}/?q=rimborso&filter=type:email")
    expect(page.locator("#results .hit").first).to_be_visible()
    page.locator("#save-name").fill("Rimborsi via e-mail")
    page.locator("#save-form button").click()
    saved = page.locator("#saved a", has_text="Rimborsi via e-mail")
    expect(saved).to_be_visible()

    page.goto(f"{web_server.url}/")
    page.locator("#saved a", has_text="Rimborsi via e-mail").click()
    expect(page.locator("#q")).to_have_value("rimborso")
    expect(page.locator('.chip[data-chip="type:email"]')).to_be_visible()
    assert url_params(page) == {"q": ["rimborso"], "filter": ["type:email"]}

    page.locator('#saved button[aria-label*="Rimborsi via e-mail"]').click()
    expect(page.locator("#saved a", has_text="Rimborsi via e-mail")).to_have_count(0)


def test_bad_query_shows_the_error_position(page: Page, web_server: LiveServer) -> None:
    page.goto(f"{web_server.url}/?q=(fattura")
    expect(page.locator("#error")).to_be_visible()
    expect(page.locator("#error")).to_contain_text("pos.")
