"""The application factory: `create_app(settings)` builds the API and serves `web/`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from api.errors import install_error_handlers
from api.routes import documents, ingest, search
from api.state import AppState
from core.archive import Archive
from core.catalog import Catalog
from core.settings import Settings
from index.backend import SearchBackend
from index.backends import open_backend

__all__ = ["create_app"]

WEB_DIR = Path(__file__).resolve().parent.parent / "web" / "static"


def create_app(
    settings: Settings, *, catalog: Catalog | None = None, backend: SearchBackend | None = None
) -> FastAPI:
    """Build the app. The API only reads the index; the worker process writes it."""
    settings.ensure_dirs()
    state = AppState(
        settings=settings,
        catalog=catalog or Catalog(settings.resolved_catalog_url),
        archive=Archive(settings.archive_dir),
        backend=backend or open_backend(settings, writer=False),
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        state.backend.close()

    app = FastAPI(
        title="Faldone",
        version="0.1.0",
        description="Search the back office archive: documents, e-mails, scans; quality metrics.",
        lifespan=lifespan,
    )
    app.state.faldone = state
    install_error_handlers(app)
    app.include_router(search.router)
    app.include_router(documents.router)
    app.include_router(ingest.router)

    @app.get("/healthz", tags=["health"], summary="Liveness")
    def healthz() -> dict[str, Any]:
        return {"status": "ok"}

    @app.get("/readyz", tags=["health"], summary="Readiness: catalog and index answer")
    def readyz() -> dict[str, Any]:
        return {
            "status": "ok",
            "documents": state.catalog.count_documents(),
            "indexed": state.backend.count(),
        }

    @app.get("/", include_in_schema=False)
    def index_page() -> FileResponse:
        return FileResponse(WEB_DIR / "index.html")

    @app.get("/document.html", include_in_schema=False)
    def document_page() -> FileResponse:
        return FileResponse(WEB_DIR / "document.html")

    @app.get("/ingest.html", include_in_schema=False)
    def ingest_page() -> FileResponse:
        return FileResponse(WEB_DIR / "ingest.html")

    app.mount("/static", StaticFiles(directory=WEB_DIR), name="static")
    return app
