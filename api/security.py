"""Authentication, the audit of reads and security headers, for every request.

`SecurityMiddleware` (pure ASGI, so streamed answers stay streamed) authenticates
the caller (`api.auth`) and puts the principal (or None) in ``request.state``. Who
may call what is declared on each route (`api.access.require`); reads that a
route marks with `api.access.audited` are audited here, once the route has
answered successfully and before the first byte of the answer leaves: a request
whose audit entry cannot be written gets a 500 instead of the data.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from api.auth import authenticate
from core.audit import AuditLog

__all__ = ["SecurityMiddleware"]

log = logging.getLogger("faldone.security")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"referrer-policy", b"same-origin"),
]


class SecurityMiddleware:
    """Authentication, audit of reads and security headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        state = request.app.state.faldone
        started = time.perf_counter()
        principal = await run_in_threadpool(authenticate, request, state)
        scope.setdefault("state", {})["principal"] = principal
        scope["state"]["auth_ms"] = (time.perf_counter() - started) * 1000
        await self.app(scope, receive, self._sender(send, scope, request))

    def _sender(self, send: Send, scope: Scope, request: Request) -> Send:
        api = scope["path"].startswith("/api/")
        withheld = False

        async def wrapped(message: Message) -> None:
            nonlocal withheld
            if withheld:
                return
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", [])) + _HEADERS
                if api:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
                audit = scope["state"].get("audit")  # set by `api.access.audited`
                known = scope["state"].get("principal") is not None
                if audit is not None and known and message["status"] < 400:
                    started = time.perf_counter()
                    try:
                        await run_in_threadpool(_audit, request, *audit)
                    except Exception:
                        log.exception("audit entry could not be written; answer withheld")
                        withheld = True
                        await JSONResponse(
                            {"error": {"code": "audit_unavailable", "message": "audit log unavailable"}},
                            status_code=500,
                        )(scope, _nothing, send)
                        return
                    scope["state"]["audit_ms"] = (time.perf_counter() - started) * 1000
                message["headers"] = _with_timings(headers, scope["state"])
            await send(message)

        return wrapped


def _with_timings(headers: list[tuple[bytes, bytes]], state: Scope) -> list[tuple[bytes, bytes]]:
    """A route's `Server-Timing` header completed with the middleware's own stages."""
    stages = (("auth", "auth_ms"), ("audit", "audit_ms"))
    ours = ", ".join(f"{name};dur={state[key]:.3f}" for name, key in stages if key in state)
    return [
        (name, value + b", " + ours.encode()) if name == b"server-timing" and ours else (name, value)
        for name, value in headers
    ]


def _audit(request: Request, action: str, target: str) -> None:
    principal = request.scope["state"]["principal"]
    query = request.query_params
    detail: dict[str, Any] = {"path": request.url.path}
    if action == "search":
        detail.update(
            q=query.get("q", ""),
            filter=query.getlist("filter"),
            date_from=query.get("date_from"),
            date_to=query.get("date_to"),
            offset=query.get("offset"),
        )
    elif query:
        detail["params"] = dict(query)
    ip = request.client.host if request.client else ""
    AuditLog(request.app.state.faldone.catalog).record(
        principal.username, principal.role, action, target=target, detail=detail, ip=ip
    )


async def _nothing() -> Message:
    return {"type": "http.disconnect"}
