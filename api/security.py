"""Authentication, the audit of reads and security headers, for every request.

`SecurityMiddleware` (pure ASGI, so streamed answers stay streamed) authenticates
the caller (`api.auth`) and puts the principal (or None) in ``request.state``. Who
may call what is declared on each route (`api.access.require`); reads that a
route marks with `api.access.audited` are audited here, once the route has
answered successfully and before the first byte of the answer leaves: a request
whose audit entry cannot be written gets a 500 instead of the data. A counted read
(`audited(..., counted=True)`) is held until its last byte, so that the entry can
say how many items the answer held (`answer_count`). A route that knows its count
may write the entry itself, in its own thread, before it answers (`audit_in_route`,
used by search): no second trip to the thread pool and no re-reading of the answer.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import orjson
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from api.access import AuditMark
from api.auth import authenticate
from core.audit import AuditLog, AuditUnavailable

__all__ = ["SecurityMiddleware", "audit_in_route"]

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
        held: list[Message] = []  # a counted read, until its last byte

        async def audit(mark: AuditMark, count: int | None) -> bool:
            nonlocal withheld
            started = time.perf_counter()
            try:
                await run_in_threadpool(_audit, request, mark, count)
            except Exception:
                log.exception("audit entry could not be written; answer withheld")
                withheld = True
                await JSONResponse(
                    {"error": {"code": AuditUnavailable.code, "message": "audit log unavailable"}},
                    status_code=500,
                )(scope, _nothing, send)
                return False
            scope["state"]["audit_ms"] = (time.perf_counter() - started) * 1000
            return True

        async def wrapped(message: Message) -> None:
            if withheld:
                return
            mark = scope["state"].get("audit")  # set by `api.access.audited`
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", [])) + _HEADERS
                if api:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
                known = scope["state"].get("principal") is not None
                if isinstance(mark, AuditMark) and known and message["status"] < 400:
                    if mark.counted:
                        held.append(message)
                        return
                    if not await audit(mark, None):
                        return
                message["headers"] = _with_timings(headers, scope["state"])
            elif held:
                held.append(message)
                if message.get("more_body", False):
                    return
                assert isinstance(mark, AuditMark)
                body = b"".join(m.get("body", b"") for m in held[1:])
                if await audit(mark, answer_count(body, _content_type(held[0]))):
                    held[0]["headers"] = _with_timings(held[0]["headers"], scope["state"])
                    for one in held:
                        await send(one)
                return
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


def audit_in_route(request: Request, count: int | None) -> None:
    """Write the entry of this request's audited read now, from the route, with its count.

    Raises (`core.audit.AuditUnavailable`) when the entry cannot be written, so the route
    answers an error instead of the data; once written, the middleware only passes the
    answer on.
    """
    state = request.scope.get("state", {})
    mark = state.get("audit")
    if not isinstance(mark, AuditMark) or state.get("principal") is None:
        return
    started = time.perf_counter()
    _audit(request, mark, count)
    state["audit_ms"] = (time.perf_counter() - started) * 1000
    state["audit"] = None


def _audit(request: Request, mark: AuditMark, count: int | None) -> None:
    principal = request.scope["state"]["principal"]
    query = request.query_params
    detail: dict[str, Any] = {"path": request.url.path}
    if mark.action == "search":
        detail.update(
            q=query.get("q", ""),
            filter=query.getlist("filter"),
            date_from=query.get("date_from"),
            date_to=query.get("date_to"),
            offset=query.get("offset"),
        )
    elif query:
        detail["params"] = dict(query)
    if mark.counted:
        detail["count"] = count
    ip = request.client.host if request.client else ""
    AuditLog(request.app.state.faldone.catalog).record(
        principal.username, principal.role, mark.action, target=mark.target, detail=detail, ip=ip
    )


def _content_type(start: Message) -> str:
    for name, value in start.get("headers", []):
        if bytes(name).lower() == b"content-type":
            return bytes(value).decode("latin-1")
    return ""


def answer_count(body: bytes, content_type: str) -> int | None:
    """How many items an answer held: its `total`, else the length of its first list, else the
    items of the lists one level down (entities per field); CSV: its rows."""
    if content_type.startswith("text/csv"):
        return max(0, body.count(b"\n") - 1)
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if isinstance(data, list):
        return len(data)
    if isinstance(data, dict):
        if isinstance(data.get("total"), int):
            return int(data["total"])
        for value in data.values():
            if isinstance(value, list):
                return len(value)
        nested = [v for value in data.values() if isinstance(value, dict) for v in value.values()]
        if any(isinstance(v, list) for v in nested):
            return sum(len(v) for v in nested if isinstance(v, list))
    return None


async def _nothing() -> Message:
    return {"type": "http.disconnect"}
