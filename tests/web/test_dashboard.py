"""The quality dashboard in real Chromium on the demo archive: charts drawn, a bar
drills down to the search page with the same total, both languages.

The screenshot is saved as `test-artifacts/screenshots/dashboard.png`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.responses import FileResponse
from playwright.sync_api import Page

from api.app import WEB_DIR
from api.routes import metrics
from cli.demo import generate_demo, load_demo
from core.settings import Settings
from tests.support import make_settings
from tests.web.conftest import LiveServer, screenshot

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CHARTS = [
    "chart-complaints",
    "chart-sentiment",
    "chart-response",
    "chart-channel",
    "chart-who",
    "chart-entities",
]


@pytest.fixture(scope="module")
def demo_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    folder = tmp_path_factory.mktemp("demo-web")
    settings = make_settings(folder / "data")
    generate_demo(folder / "files", today=date.today())
    load_demo(settings, folder / "files")
    return settings


def _with_dashboard(app: FastAPI) -> FastAPI:
    """The metrics router and /dashboard.html, until the app factory has them itself."""
    paths = {getattr(route, "path", "") for route in app.routes}
    if "/api/metrics/trend" not in paths:
        app.include_router(metrics.router)
    if "/dashboard.html" not in paths:

        @app.get("/dashboard.html", include_in_schema=False)
        def dashboard_page() -> FileResponse:
            return FileResponse(WEB_DIR / "dashboard.html")

    return app


@pytest.fixture(scope="module")
def live(demo_settings: Settings) -> Iterator[LiveServer]:
    server = LiveServer(demo_settings)
    app = server.server.config.app
    assert isinstance(app, FastAPI)
    _with_dashboard(app)
    server.start()
    yield server
    server.stop()


def _open(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_function(
        "() => window.faldoneDashboard && window.faldoneDashboard.ready"
        " && Object.keys(window.faldoneDashboard.charts).length >= 6",
        timeout=30_000,
    )


_PAINTED = """(id) => {
  const canvas = document.getElementById(id);
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted += 1;
  const chart = window.faldoneDashboard.charts[id];
  const positive = (ds) => ds.data.filter((v) => v !== null && v > 0).length;
  const points = chart.data.datasets.reduce((n, ds) => n + positive(ds), 0);
  return { painted, points, width: canvas.width };
}"""

_BAR = """(id) => {
  const chart = window.faldoneDashboard.charts[id];
  const values = chart.data.datasets[0].data;
  let index = values.length - 1;
  while (index > 0 && !(values[index] > 0)) index -= 1;
  const bar = chart.getDatasetMeta(0).data[index];
  return { index, value: values[index], x: bar.x, y: (bar.y + bar.base) / 2 };
}"""


def test_dashboard_draws_charts_and_a_bar_opens_its_search(
    page: Page, live: LiveServer, demo_settings: Settings
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    _open(page, f"{live.url}/dashboard.html")
    for chart in CHARTS:
        drawn: dict[str, Any] = page.evaluate(_PAINTED, chart)
        assert drawn["points"] > 0, chart
        assert drawn["painted"] > 2_000, (chart, drawn)
    assert page.locator("#kpis .kpi").count() == 8  # complaints and likely complaints counted apart
    assert page.locator("#open-rows tr").count() > 0
    assert page.locator("#demo-note").is_visible()
    screenshot(page, "dashboard")
    assert not errors

    bar: dict[str, Any] = page.evaluate(_BAR, "chart-complaints")
    assert bar["value"] > 0
    with page.expect_response(lambda r: "/api/search?" in r.url and r.status == 200) as answer:
        page.locator("#chart-complaints").click(position={"x": bar["x"], "y": bar["y"]})
    page.wait_for_url(re.compile(r"/\?q="))
    assert "complaint%3Atrue" in page.url
    assert answer.value.json()["total"] == bar["value"]
    page.wait_for_function(
        "(n) => (document.getElementById('summary') || document.body).textContent.includes(String(n))",
        arg=bar["value"],
    )
    screenshot(page, "dashboard-drilldown")


def test_dashboard_speaks_english_and_keeps_the_scope_in_the_url(page: Page, live: LiveServer) -> None:
    page.goto(f"{live.url}/static/style.css")
    page.evaluate("() => localStorage.setItem('faldone.lang', 'en')")
    _open(page, f"{live.url}/dashboard.html?interval=month&filter=language:it")
    assert page.locator("#h-complaints").inner_text() == "Complaints per period"
    assert page.locator("#f-language").input_value() == "it"
    labels = page.evaluate("() => window.faldoneDashboard.charts['chart-complaints'].data.labels")
    assert 6 <= len(labels) <= 12  # months, not weeks
    csv_link = page.locator("a[data-csv=trend]").first.get_attribute("href") or ""
    assert "format=csv" in csv_link and "filter=language%3Ait" in csv_link
    response = page.request.get(f"{live.url}{csv_link}")
    assert response.ok and response.text().startswith("start,end,documents,complaints")
    screenshot(page, "dashboard-en")


def test_vendored_chartjs_is_pinned_and_licensed() -> None:
    vendor = Path(WEB_DIR) / "vendor" / "chartjs-4.5.1"
    assert (vendor / "LICENSE.md").read_text().startswith("The MIT License")
    assert "Chart.js v4.5.1" in (vendor / "chart.umd.min.js").read_text()[:200]
    assert 'src="/static/vendor/chartjs-4.5.1/chart.umd.min.js"' in (WEB_DIR / "dashboard.html").read_text()
