"""HTTP errors: each carries its status; one handler renders them as JSON.

ApiError (status 500)
├── BadRequest (400)       e.g. a query that does not parse, with its position
├── Unauthenticated (401)  no credentials (a web page gets a way to the login page)
├── Forbidden (403)        a role, a pending password change or a missing CSRF token
├── NotFound (404)
└── PayloadTooLarge (413)

The search engine's own errors: a query it refuses is 400; a cluster that cannot be
reached (or answers "unavailable") is 503 with Retry-After, the detail only in the log.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.responses import Response

from index.backend import BackendUnavailable, QuerySyntaxError, SearchError
from index.query.cost import QueryTooCostly

__all__ = [
    "SEARCH_UNAVAILABLE",
    "ApiError",
    "BadRequest",
    "Forbidden",
    "NotFound",
    "PayloadTooLarge",
    "Unauthenticated",
    "install_error_handlers",
]

SEARCH_UNAVAILABLE = (
    "The search service is unavailable right now; try again in a few seconds. "
    "/ Il servizio di ricerca non è raggiungibile; riprova tra qualche secondo."
)
RETRY_AFTER_SECONDS = 5

log = logging.getLogger("faldone.api")


class ApiError(Exception):
    status = 500
    code = "internal_error"

    def __init__(self, message: str, **context: Any) -> None:
        super().__init__(message)
        self.message = message
        self.context = context


class BadRequest(ApiError):
    status = 400
    code = "bad_request"


class Unauthenticated(ApiError):
    status = 401
    code = "unauthenticated"


class Forbidden(ApiError):
    status = 403
    code = "forbidden"

    def __init__(self, message: str, *, code: str = "forbidden", **context: Any) -> None:
        super().__init__(message, **context)
        self.code = code


class NotFound(ApiError):
    status = 404
    code = "not_found"


class PayloadTooLarge(ApiError):
    status = 413
    code = "payload_too_large"


_TO_LOGIN = '<!doctype html><meta http-equiv="refresh" content="0;url=/login"><a href="/login">Login</a>'


def _render(status: int, code: str, message: str, **context: Any) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, **context}}, status_code=status)


def install_error_handlers(app: FastAPI) -> None:
    async def api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        page = not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")
        if page and isinstance(exc, Unauthenticated):
            return HTMLResponse(_TO_LOGIN, status_code=401)
        return _render(exc.status, exc.code, exc.message, **exc.context)

    async def query_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, QuerySyntaxError)
        return _render(400, "query_syntax", str(exc), position=exc.position)

    async def too_costly(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, QueryTooCostly)
        return _render(400, "bad_request", str(exc), reason=exc.reason)

    async def search_error(_: Request, exc: Exception) -> JSONResponse:
        return _render(400, "search_error", str(exc))

    async def search_unavailable(request: Request, exc: Exception) -> JSONResponse:
        log.warning("%s %s: search cluster unavailable: %s", request.method, request.url.path, exc)
        response = _render(503, "search_unavailable", SEARCH_UNAVAILABLE)
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(QuerySyntaxError, query_error)
    app.add_exception_handler(QueryTooCostly, too_costly)
    app.add_exception_handler(SearchError, search_error)
    app.add_exception_handler(BackendUnavailable, search_unavailable)
