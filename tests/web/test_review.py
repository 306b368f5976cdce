"""The complaint review page in real Chromium: least sure first, one click stores the verdict
(the document leaves the queue and the correction is there for `faldone nlp train`), Italian
and English.

The screenshot is saved as `test-artifacts/screenshots/review.png`.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Page

from core.catalog import Catalog
from core.corrections import corrections_for
from core.settings import Settings
from nlp.review import thresholds
from tests.nlp.test_review import store
from tests.support import make_settings
from tests.web.conftest import LiveServer, screenshot

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
def review_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = make_settings(tmp_path_factory.mktemp("review") / "data")
    settings.ensure_dirs()
    catalog = Catalog(settings.resolved_catalog_url)
    threshold, _ = thresholds()
    store(catalog, "sure", 1 - (1 - threshold) / 1000)
    store(catalog, "unsure", threshold + 0.01)
    store(catalog, "almost", threshold - 0.05, language="en")
    catalog.close()
    return settings


@pytest.fixture(scope="module")
def live(review_settings: Settings) -> Iterator[LiveServer]:
    server = LiveServer(review_settings).start()
    yield server
    server.stop()


def _open(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_function("() => window.faldoneReview && window.faldoneReview.ready", timeout=30_000)


def test_review_page_stores_a_verdict_in_one_click(
    page: Page, live: LiveServer, review_settings: Settings
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    _open(page, f"{live.url}/review.html")
    items = page.locator("#queue .review-item")
    assert items.count() == 3
    ids = [items.nth(i).get_attribute("data-id") or "" for i in range(3)]
    assert [i.rstrip("0") for i in ids] == ["unsure", "almost", "sure"]
    assert page.locator("#title").inner_text() == "Reclami da confermare"
    screenshot(page, "review")

    with page.expect_response(lambda r: "/api/review/" in r.url and r.status == 201):
        items.first.locator("button.no").click()
    page.wait_for_function("() => document.querySelector('#queue .review-item.done') !== null")
    assert items.first.get_attribute("data-verdict") == "not-complaint"
    assert "faldone nlp train" in page.locator("#train-hint").inner_text()
    assert not errors

    catalog = Catalog(review_settings.resolved_catalog_url)
    stored = corrections_for(catalog, [ids[0]])[ids[0]]
    catalog.close()
    assert [(c.kind, c.value) for c in stored] == [("complaint", False)]
    queue = httpx.get(f"{live.url}/api/review").json()
    assert [i["id"] for i in queue["items"]] == ids[1:] and queue["reviewed"] == 1

    _open(page, f"{live.url}/review.html")
    assert page.locator("#queue .review-item").count() == 2


def test_review_page_speaks_english_and_filters_by_language(page: Page, live: LiveServer) -> None:
    page.goto(f"{live.url}/static/style.css")
    page.evaluate("() => localStorage.setItem('faldone.lang', 'en')")
    _open(page, f"{live.url}/review.html")
    assert page.locator("#title").inner_text() == "Complaints to confirm"
    assert page.locator("#queue .review-item button.yes").first.inner_text() == "It is a complaint"
    with page.expect_response(lambda r: "/api/review?" in r.url and "language=en" in r.url):
        page.locator("#f-language").select_option("en")
    page.wait_for_function("() => window.faldoneReview.ready")
    items = page.locator("#queue .review-item")
    assert items.count() == 1
    assert (items.first.get_attribute("data-id") or "").rstrip("0") == "almost"
