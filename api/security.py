"""Who may call what, enforced once for every route, and what gets audited.

`SecurityMiddleware` (pure ASGI, so streamed answers stay streamed) runs before any
route: it finds the route the request will reach, authenticates the caller
(`api.auth`), looks the route up in `ROUTE_ACCESS` (exact method and path) and
then `PREFIX_ACCESS`, and answers 401 (no credentials), 403 (wrong role, missing
CSRF token, password change pending) or lets the request through with
``request.state.principal`` set. A route that no rule names is for admins only,
so a route added later is closed until someone decides who may use it.

Reads of documents and searches are audited here, before the first byte of the
answer leaves (`audit_action`); a request whose audit entry cannot be written
gets a 500 instead of the data. Routes in `SELF_AUDITED` write richer entries
themselves.

Roles: staff (search, read, upload), quality (+ metrics), legal (+ holds,
exports, retention, audit, deletion), admin (everything: users, collections).
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Match

__all__ = [
    "ADMIN",
    "ANY",
    "PREFIX_ACCESS",
    "PUBLIC",
    "ROUTE_ACCESS",
    "RouteInfo",
    "SecurityMiddleware",
    "access_for",
    "flat_routes",
]

log = logging.getLogger("faldone.security")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PUBLIC: frozenset[str] = frozenset({"public"})
ANY: frozenset[str] = frozenset({"staff", "quality", "legal", "admin"})
ADMIN: frozenset[str] = frozenset({"admin"})
LEGAL: frozenset[str] = frozenset({"legal", "admin"})
QUALITY: frozenset[str] = frozenset({"quality", "admin"})
WRITERS: frozenset[str] = frozenset({"staff", "legal", "admin"})
REVIEWERS: frozenset[str] = frozenset({"quality", "staff", "admin"})  # the complaint review queue

ROUTE_ACCESS: dict[tuple[str, str], frozenset[str]] = {
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/readyz"): PUBLIC,
    ("GET", "/login"): PUBLIC,
    ("POST", "/api/auth/login"): PUBLIC,
    ("*", "/static"): PUBLIC,
    ("GET", "/"): ANY,
    ("GET", "/document.html"): ANY,
    ("GET", "/ingest.html"): ANY,
    ("GET", "/dashboard.html"): QUALITY,
    ("GET", "/review.html"): REVIEWERS,
    ("GET", "/legal.html"): LEGAL,
    ("GET", "/audit.html"): LEGAL,
    ("GET", "/docs"): ANY,
    ("GET", "/docs/oauth2-redirect"): ANY,
    ("GET", "/redoc"): ANY,
    ("GET", "/openapi.json"): ANY,
    ("GET", "/api/search"): ANY,
    ("GET", "/api/metrics/sentiment"): QUALITY,
    ("GET", "/api/documents/{doc_id}"): ANY,
    ("GET", "/api/documents/{doc_id}/original"): ANY,
    ("POST", "/api/documents"): WRITERS,
    ("DELETE", "/api/documents/{doc_id}"): LEGAL,
    ("GET", "/api/ingest/status"): ANY,
    ("GET", "/api/jobs"): ANY,
    ("POST", "/api/jobs/{job_id}/retry"): ADMIN,
    ("GET", "/api/quarantine"): ANY,
    ("GET", "/metrics"): ADMIN,  # Prometheus: scrape with an admin API key
}

# (method or "*", path prefix) → roles; the first match wins.
PREFIX_ACCESS: list[tuple[str, str, frozenset[str]]] = [
    ("*", "/api/auth/", ANY),
    ("*", "/api/admin/", ADMIN),
    ("*", "/api/legal/", LEGAL),
    ("*", "/api/audit", LEGAL),
    ("GET", "/api/metrics/", QUALITY),
    ("*", "/api/review", REVIEWERS),
    ("*", "/api/ui/", ANY),
    ("GET", "/api/documents/", ANY),
    ("*", "/api/documents/", WRITERS),  # corrections, annotations
    ("GET", "/api/annotations", ANY),
    ("*", "/api/annotations", WRITERS),
]

# Allowed while a user must still change a one-time password.
_PASSWORD_CHANGE = {
    ("GET", "/api/auth/me"),
    ("POST", "/api/auth/password"),
    ("POST", "/api/auth/logout"),
    ("GET", "/login"),
}
SELF_AUDITED = ("/api/legal/", "/api/admin/", "/api/auth/", "/api/audit")
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def access_for(method: str, path: str) -> frozenset[str]:
    method = "GET" if method == "HEAD" else method
    for key in ((method, path), ("*", path)):
        if key in ROUTE_ACCESS:
            return ROUTE_ACCESS[key]
    for rule_method, prefix, roles in PREFIX_ACCESS:
        if rule_method in ("*", method) and path.startswith(prefix):
            return roles
    return ADMIN


def audit_action(method: str, path: str, path_params: dict[str, Any]) -> str | None:
    """What a successful request means for the audit log, or None when not audited."""
    if path.startswith(SELF_AUDITED) or (method == "DELETE" and path == "/api/documents/{doc_id}"):
        return None
    if method in _SAFE_METHODS:
        if path in ("/api/search", "/api/documents/export/fields.csv"):
            return "search"
        if path.endswith("/original") and "doc_id" in path_params:
            return "document.download"
        if path.startswith("/api/") and "doc_id" in path_params:
            return "document.view"
        return None
    if path.startswith("/api/"):
        return "correction" if "correction" in path or "annotation" in path else f"api.{method.lower()}"
    return None


# -- the middleware ---------------------------------------------------------------


def _error(status: int, code: str, message: str, html: bool) -> Response:
    if html and status == 401:
        body = '<!doctype html><meta http-equiv="refresh" content="0;url=/login"><a href="/login">Login</a>'
        return HTMLResponse(body, status_code=401)
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


@dataclass(frozen=True)
class RouteInfo:
    """One endpoint as the router sees it: full path template, methods (None: any), matcher."""

    path: str
    methods: frozenset[str] | None
    route: Any
    include_in_schema: bool


def flat_routes(app: FastAPI) -> list[RouteInfo]:
    """Every endpoint of the app in routing order, with included routers flattened.

    FastAPI 0.165 keeps `include_router` calls as nested `_IncludedRouter` objects
    whose `effective_route_contexts()` yield the endpoints; older versions put the
    routes themselves in `app.routes`. Both shapes are handled.
    """
    found: list[RouteInfo] = []
    for route in app.router.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        for item in contexts() if callable(contexts) else [route]:
            methods = getattr(item, "methods", None)
            found.append(
                RouteInfo(
                    path=str(getattr(item, "path", "")),
                    methods=frozenset(m.upper() for m in methods) if methods else None,
                    route=item,
                    include_in_schema=bool(getattr(item, "include_in_schema", True)),
                )
            )
    return found


def _match(app: FastAPI, scope: Scope) -> tuple[str | None, dict[str, Any], bool]:
    """(path template of the route that will answer, its path params, method allowed)."""
    partial: str | None = None
    for info in flat_routes(app):
        match, child = info.route.matches(scope)
        if match == Match.FULL:
            return info.path, dict(child.get("path_params", {})), True
        if match == Match.PARTIAL and partial is None:
            partial = info.path
    return partial, {}, False


class SecurityMiddleware:
    """Authentication, authorization, CSRF, audit of reads and security headers."""

    def __init__(self, app: ASGIApp, fastapi: FastAPI) -> None:
        self.app = app
        self.fastapi = fastapi

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        from api.auth import authenticate

        request = Request(scope)
        method = scope["method"].upper()
        path, params, allowed_method = _match(self.fastapi, scope)
        html = "text/html" in request.headers.get("accept", "") and not scope["path"].startswith("/api/")
        access = access_for(method, path) if path is not None else ADMIN
        state = self.fastapi.state.faldone
        principal = await run_in_threadpool(authenticate, request, state)
        scope.setdefault("state", {})["principal"] = principal
        denied = self._deny(method, path, access, principal, request, allowed_method, html)
        if denied is not None:
            await denied(scope, receive, send)
            return
        action = audit_action(method, path or "", params) if principal is not None else None
        await self.app(scope, receive, self._sender(send, scope, request, action, params))

    @staticmethod
    def _deny(
        method: str,
        path: str | None,
        access: frozenset[str],
        principal: Any,
        request: Request,
        allowed_method: bool,
        html: bool,
    ) -> Response | None:
        if access is PUBLIC and path is not None:
            return None
        if principal is None:
            return _error(401, "unauthenticated", "log in or send an API key", html)
        if path is None or not allowed_method:
            return None  # 404 / 405 for someone who is logged in
        if principal.must_change_password and (method, path) not in _PASSWORD_CHANGE:
            return _error(403, "password_change_required", "change your one-time password first", html)
        if principal.role not in access:
            return _error(403, "forbidden", "your role does not allow this", html)
        if method not in _SAFE_METHODS and principal.via == "session":
            token = request.headers.get("x-csrf-token", "")
            if not principal.csrf or not hmac.compare_digest(token, principal.csrf):
                return _error(403, "csrf", "missing or wrong X-CSRF-Token header", html)
        return None

    def _sender(
        self, send: Send, scope: Scope, request: Request, action: str | None, params: dict[str, Any]
    ) -> Send:
        api = scope["path"].startswith("/api/")

        withheld = False

        async def wrapped(message: Message) -> None:
            nonlocal withheld
            if withheld:
                return
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"SAMEORIGIN"),
                    (b"referrer-policy", b"same-origin"),
                ]
                if api:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
                if action is not None and message["status"] < 400:
                    try:
                        await run_in_threadpool(self._audit, request, action, params)
                    except Exception:
                        log.exception("audit entry could not be written; answer withheld")
                        withheld = True
                        await JSONResponse(
                            {"error": {"code": "audit_unavailable", "message": "audit log unavailable"}},
                            status_code=500,
                        )(scope, _nothing, send)
                        return
            await send(message)

        return wrapped

    def _audit(self, request: Request, action: str, params: dict[str, Any]) -> None:
        from core.audit import AuditLog

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
        target = str(params.get("doc_id", ""))
        ip = request.client.host if request.client else ""
        AuditLog(self.fastapi.state.faldone.catalog).record(
            principal.username, principal.role, action, target=target, detail=detail, ip=ip
        )


async def _nothing() -> Message:
    return {"type": "http.disconnect"}
