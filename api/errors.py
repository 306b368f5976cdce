"""Errors as HTTP answers, in one place.

Every error raised on purpose is a `core.errors.FaldoneError` whose `kind` says what
went wrong; `STATUS` turns kinds into HTTP statuses and one handler renders them all as
``{"error": {"code", "message", ...context}}``. Routes raise (or let through) the errors
of the packages below them; they never translate one error into another.

The API's own conditions (no credentials, a missing CSRF token, an unknown route id) are
`ApiError`s:

ApiError (internal, 500)
├── BadRequest (invalid, 400)      e.g. a body that makes no sense
├── Unauthenticated (401)          no credentials (a web page gets a way to the login page)
├── Forbidden (403)                a role, a pending password change or a missing CSRF token
├── NotFound (404)
├── Conflict (409)
├── PayloadTooLarge (413)
└── TooManyRequests (429)          with Retry-After when the wait is known

An engine that cannot be reached ("unavailable") is 503 with Retry-After; its detail
goes to the log only.
"""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.responses import Response

from core.errors import ErrorKind, FaldoneError
from index.backend import SearchError

__all__ = [
    "SEARCH_UNAVAILABLE",
    "STATUS",
    "ApiError",
    "BadRequest",
    "Conflict",
    "Forbidden",
    "NotFound",
    "PayloadTooLarge",
    "TooManyRequests",
    "Unauthenticated",
    "install_error_handlers",
]

SEARCH_UNAVAILABLE = (
    "The search service is unavailable right now; try again in a few seconds. "
    "/ Il servizio di ricerca non è raggiungibile; riprova tra qualche secondo."
)
SERVICE_UNAVAILABLE = (
    "A service Faldone needs is unavailable right now; try again later. "
    "/ Un servizio necessario a Faldone non è disponibile; riprova più tardi."
)
INTERNAL = "Internal error; it has been logged. / Errore interno; è stato registrato."
RETRY_AFTER_SECONDS = 5

STATUS: dict[ErrorKind, int] = {
    "invalid": 400,
    "unauthenticated": 401,
    "forbidden": 403,
    "not_found": 404,
    "conflict": 409,
    "too_large": 413,
    "too_many": 429,
    "unavailable": 503,
    "internal": 500,
}

log = logging.getLogger("faldone.api")


class ApiError(FaldoneError):
    """A condition only the HTTP layer knows about."""


class BadRequest(ApiError):
    kind: ClassVar[ErrorKind] = "invalid"
    code: ClassVar[str] = "bad_request"


class Unauthenticated(ApiError):
    kind: ClassVar[ErrorKind] = "unauthenticated"
    code: ClassVar[str] = "unauthenticated"


class Forbidden(ApiError):
    kind: ClassVar[ErrorKind] = "forbidden"
    code: ClassVar[str] = "forbidden"

    def __init__(self, message: str, *, code: str = "forbidden", **context: Any) -> None:
        super().__init__(message, **context)
        self.reason_code = code


class NotFound(ApiError):
    kind: ClassVar[ErrorKind] = "not_found"
    code: ClassVar[str] = "not_found"


class Conflict(ApiError):
    kind: ClassVar[ErrorKind] = "conflict"
    code: ClassVar[str] = "conflict"


class PayloadTooLarge(ApiError):
    kind: ClassVar[ErrorKind] = "too_large"
    code: ClassVar[str] = "payload_too_large"


class TooManyRequests(ApiError):
    kind: ClassVar[ErrorKind] = "too_many"
    code: ClassVar[str] = "too_many_attempts"


_TO_LOGIN = '<!doctype html><meta http-equiv="refresh" content="0;url=/login"><a href="/login">Login</a>'


def _render(status: int, code: str, message: str, **context: Any) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, **context}}, status_code=status)


def error_response(request: Request, exc: FaldoneError) -> Response:
    """The answer to `exc`: its kind's status, its code, message and context."""
    status = STATUS[exc.kind]
    code = getattr(exc, "reason_code", exc.code)
    if exc.kind == "unauthenticated":
        page = not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")
        if page:
            return HTMLResponse(_TO_LOGIN, status_code=401)
    if exc.kind in ("unavailable", "internal"):
        # The detail may name hosts, paths or credentials: the log gets it, the client does not.
        log.warning("%s %s: %s: %s", request.method, request.url.path, type(exc).__name__, exc)
        if exc.kind == "unavailable":
            message = SEARCH_UNAVAILABLE if isinstance(exc, SearchError) else SERVICE_UNAVAILABLE
        else:
            message = INTERNAL
        response = _render(status, code, message)
        if exc.kind == "unavailable":
            response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    response = _render(status, code, exc.message or str(exc), **exc.context)
    retry_after = exc.context.get("retry_after")
    if retry_after is not None:
        response.headers["Retry-After"] = str(max(1, round(float(retry_after))))
    return response


def install_error_handlers(app: FastAPI) -> None:
    async def handle(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, FaldoneError)
        return error_response(request, exc)

    app.add_exception_handler(FaldoneError, handle)
