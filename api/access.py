"""Who may call a route, declared on the route (or its router) itself.

    router = APIRouter(prefix="/api/legal", dependencies=[Depends(require(*LEGAL))])
    @router.get("/api/documents/{doc_id}", dependencies=[Depends(audited("document.view"))])

`require(*roles)` answers 401 to a request without credentials, 403 to a role that
may not, to a user whose one-time password is still unchanged (unless the route is
part of changing it) and to a session request that changes something without the
CSRF token. Authentication itself is the middleware's (`api.security`): it puts the
principal in ``request.state``. A route with neither `require` nor `public` is a
mistake that ``tests/api/test_authz.py`` catches.

`audited(action)` marks a read for the audit log; the middleware writes the entry
once the route has answered successfully, before the first byte leaves. With
``counted=True`` (reads that answer with many documents' data: search, suggestions,
facets, metrics, jobs, quarantine, the review queue) the answer is held until it is
complete, and the entry records how many items it held.

Roles: staff (search, read, upload), quality (+ metrics), legal (+ holds, exports,
retention, audit, deletion), admin (everything: users, collections).
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from starlette.requests import Request

from api.errors import Forbidden, Unauthenticated
from core.users import Principal

__all__ = [
    "ADMIN",
    "ANY",
    "LEGAL",
    "QUALITY",
    "REVIEWERS",
    "WRITERS",
    "AuditMark",
    "Role",
    "audited",
    "principal_of",
    "require",
]


class Role(StrEnum):
    STAFF = "staff"
    QUALITY = "quality"
    LEGAL = "legal"
    ADMIN = "admin"


ANY = (Role.STAFF, Role.QUALITY, Role.LEGAL, Role.ADMIN)
ADMIN = (Role.ADMIN,)
LEGAL = (Role.LEGAL, Role.ADMIN)
QUALITY = (Role.QUALITY, Role.ADMIN)
WRITERS = (Role.STAFF, Role.LEGAL, Role.ADMIN)
REVIEWERS = (Role.QUALITY, Role.STAFF, Role.ADMIN)  # the complaint review queue
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def principal_of(request: Request) -> Principal | None:
    principal = getattr(request.state, "principal", None)
    return principal if isinstance(principal, Principal) else None


def require(
    *roles: Role, during_password_change: bool = False
) -> Callable[[Request], Coroutine[Any, Any, Principal]]:
    """A dependency that lets through only `roles` (and checks the CSRF token of sessions)."""
    allowed = frozenset(roles)

    # Async: it never blocks, so FastAPI runs it in the event loop instead of a thread.
    async def check(request: Request) -> Principal:
        principal = principal_of(request)
        if principal is None:
            raise Unauthenticated("log in or send an API key")
        if principal.must_change_password and not during_password_change:
            raise Forbidden("change your one-time password first", code="password_change_required")
        if principal.role not in allowed:
            raise Forbidden("your role does not allow this")
        if request.method not in _SAFE_METHODS and principal.via == "session":
            token = request.headers.get("x-csrf-token", "")
            if not principal.csrf or not hmac.compare_digest(token, principal.csrf):
                raise Forbidden("missing or wrong X-CSRF-Token header", code="csrf")
        return principal

    return check


@dataclass(frozen=True)
class AuditMark:
    """What the middleware records for a request: action, target, and whether to count the answer."""

    action: str
    target: str = ""
    counted: bool = False


def audited(action: str, *, counted: bool = False) -> Callable[[Request], Coroutine[Any, Any, None]]:
    """A dependency that asks the middleware to audit this request once it has succeeded."""

    async def mark(request: Request) -> None:
        request.state.audit = AuditMark(action, str(request.path_params.get("doc_id", "")), counted)

    return mark
