"""Browser tests: a live Faldone server on loopback and real Chromium (Debian) driven by Playwright.

Screenshots go to `test-artifacts/screenshots/`. Under CI=true a missing Chromium fails the
tests instead of skipping them.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, expect, sync_playwright

from api.app import create_app
from api.routes import ui
from core.settings import Settings
from tests.processes import free_port as free_port  # re-exported: benches import it from here
from tests.support import ingest_into, make_settings
from tests.web._archive import CORPUS_FILES, write_thread

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Machines running the whole suite are busy (OCR, NLP): give the pages time.
expect.set_options(timeout=20_000)


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        message = "Debian chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def web_app(settings: Settings) -> FastAPI:
    """`create_app(settings)` with the pages' own endpoints (`api.routes.ui`) mounted once."""
    app = create_app(settings)
    if not any(getattr(route, "path", "").startswith("/api/ui/") for route in app.routes):
        app.include_router(ui.router)
    return app


class LiveServer:
    """Runs `create_app(settings)` (or `app`) with uvicorn in a thread on a free loopback port."""

    def __init__(self, settings: Settings, app: FastAPI | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.app: FastAPI = app if app is not None else create_app(settings)
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("the live server did not start")

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = chromium_path()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="it-IT")
    context.set_default_timeout(30_000)
    page = context.new_page()
    yield page
    context.close()


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot as a test artefact and return its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture(scope="session")
def web_archive(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Settings:
    """A small real archive, ingested once for the read-only page tests (search, document, language)."""
    root = tmp_path_factory.mktemp("web-archive")
    settings = make_settings(root / "data")
    thread = write_thread(root / "thread")
    ingest_into(settings, [*(corpus / name for name in CORPUS_FILES), *thread])
    return settings


@pytest.fixture(scope="session")
def web_server(web_archive: Settings) -> Iterator[LiveServer]:
    """A live server on `web_archive`, shared by the read-only page tests."""
    server = LiveServer(web_archive, web_app(web_archive)).start()
    yield server
    server.stop()


def search_api(server: LiveServer, q: str) -> list[dict[str, Any]]:
    """Hits of `q` straight from the API (to find ids the pages will show)."""
    response = httpx.get(f"{server.url}/api/search", params={"q": q, "limit": 50}, timeout=10)
    response.raise_for_status()
    hits: list[dict[str, Any]] = response.json()["hits"]
    return hits
