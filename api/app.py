"""The application factory: `create_app(settings)` builds the API and serves `web/`."""

from __future__ import annotations

import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Literal

from fastapi import Depends, FastAPI, Response
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel

from api.access import ANY, LEGAL, QUALITY, REVIEWERS, require
from api.auth import LoginLimiter
from api.errors import install_error_handlers
from api.observability import Observability
from api.readiness import readiness_problems
from api.routes import admin, auth, documents, ingest, legal, metrics, review, search, ui
from api.routes import annotations as annotation_routes
from api.routes import fields as field_routes
from api.security import SecurityMiddleware
from api.state import AppState
from core.archive import Archive
from core.catalog import Catalog
from core.settings import Settings
from core.users import Users
from index.backend import SearchBackend
from index.backends import open_backend
from index.reader import HealingReader

__all__ = ["create_app"]

WEB_DIR = Path(__file__).resolve().parent.parent / "web" / "static"

log = logging.getLogger("faldone.api")


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Readiness(BaseModel):
    status: Literal["ok", "unavailable"]
    catalog: str
    search: str
    problems: list[str] | None = None  # why not, for an operator (only when not ready)


def _first_run(state: AppState) -> None:
    """No users yet: create `admin` with a one-time password, printed once."""
    if state.settings.auth_disabled:
        log.warning("authentication is DISABLED: every request acts as a local admin (FALDONE_AUTH_DISABLED)")
        if state.settings.host not in ("127.0.0.1", "localhost", "::1"):
            log.error("authentication is disabled on %s, which other machines can reach", state.settings.host)
        return
    password = Users(state.catalog).bootstrap_admin()
    if password is not None:
        state.audit.record(
            "system", "admin", "admin.user_created", target="admin", detail={"first_run": True}
        )
        print(
            "\n  First run: created user 'admin' with the one-time password\n\n"
            f"      {password}\n\n  It is shown only now; you must change it at the first login.\n",
            file=sys.stderr,
            flush=True,
        )


def create_app(
    settings: Settings, *, catalog: Catalog | None = None, backend: SearchBackend | None = None
) -> FastAPI:
    """Build the app. The API only reads the index; the worker process writes it."""
    settings.ensure_dirs()
    state = AppState(
        settings=settings,
        catalog=catalog or Catalog(settings.resolved_catalog_url),
        archive=Archive(settings.archive_dir),
        backend=backend or HealingReader(lambda: open_backend(settings, writer=False)),
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
        # The documentation is for people who may use the API: served below, behind `require`.
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.faldone = state
    app.state.login_limiter = LoginLimiter()
    _first_run(state)
    install_error_handlers(app)
    app.add_middleware(SecurityMiddleware)
    app.include_router(auth.router)
    app.include_router(search.router)
    app.include_router(documents.router)
    app.include_router(ingest.router)
    app.include_router(legal.router)
    app.include_router(admin.router)
    app.include_router(ui.router)
    app.include_router(metrics.router)
    app.include_router(annotation_routes.router)
    app.include_router(field_routes.router)
    app.include_router(review.router)
    observability = Observability(state.catalog)
    app.include_router(observability.router)
    app.add_middleware(observability.timed)  # outermost: times the whole request

    @app.get("/healthz", tags=["health"], summary="Liveness")
    def healthz() -> Health:
        return Health()

    @app.get(
        "/readyz",
        tags=["health"],
        summary="Readiness: catalog, index and worker answer",
        responses={503: {"model": Readiness, "description": "catalog, index or worker not ready, and why"}},
        response_model_exclude_none=True,
    )
    def readyz(response: Response) -> Readiness:
        # Anonymous: answers whether things work and why not, never how many documents there are.
        problems = readiness_problems(state)
        if problems:
            response.status_code = 503
        return Readiness(
            status="unavailable" if problems else "ok",
            catalog="unavailable" if any(p.startswith("catalog:") for p in problems) else "ok",
            search="unavailable" if any(p.startswith("index:") for p in problems) else "ok",
            problems=problems or None,
        )

    @app.get("/login", include_in_schema=False)
    def login_page() -> FileResponse:
        return FileResponse(WEB_DIR / "login.html")

    everyone = [Depends(require(*ANY))]

    @app.get("/", include_in_schema=False, dependencies=everyone)
    def index_page() -> FileResponse:
        return FileResponse(WEB_DIR / "index.html")

    @app.get("/document.html", include_in_schema=False, dependencies=everyone)
    def document_page() -> FileResponse:
        return FileResponse(WEB_DIR / "document.html")

    @app.get("/ingest.html", include_in_schema=False, dependencies=everyone)
    def ingest_page() -> FileResponse:
        return FileResponse(WEB_DIR / "ingest.html")

    @app.get("/review.html", include_in_schema=False, dependencies=[Depends(require(*REVIEWERS))])
    def review_page() -> FileResponse:
        return FileResponse(WEB_DIR / "review.html")

    @app.get("/dashboard.html", include_in_schema=False, dependencies=[Depends(require(*QUALITY))])
    def dashboard_page() -> FileResponse:
        return FileResponse(WEB_DIR / "dashboard.html")

    @app.get("/legal.html", include_in_schema=False, dependencies=[Depends(require(*LEGAL))])
    def legal_page() -> FileResponse:
        return FileResponse(WEB_DIR / "legal.html")

    @app.get("/audit.html", include_in_schema=False, dependencies=[Depends(require(*LEGAL))])
    def audit_page() -> FileResponse:
        return FileResponse(WEB_DIR / "audit.html")

    @app.get("/openapi.json", include_in_schema=False, dependencies=everyone)
    def openapi_schema() -> JSONResponse:
        return JSONResponse(app.openapi())

    @app.get("/docs", include_in_schema=False, dependencies=everyone)
    def swagger_page() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json", title="Faldone API", oauth2_redirect_url="/docs/oauth2-redirect"
        )

    @app.get("/docs/oauth2-redirect", include_in_schema=False, dependencies=everyone)
    def swagger_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get("/redoc", include_in_schema=False, dependencies=everyone)
    def redoc_page() -> HTMLResponse:
        return get_redoc_html(openapi_url="/openapi.json", title="Faldone API")

    app.mount("/static", StaticFiles(directory=WEB_DIR), name="static")
    return app
