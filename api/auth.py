"""Authentication: who is calling, from an API key or a session cookie; login rate limits.

- API keys: ``Authorization: Bearer fk_…`` or ``X-API-Key: fk_…``. No CSRF token
  needed (a browser never adds them by itself). A request that presents a key is
  judged by that key alone, never by a cookie that happens to come along.
- Sessions (the web pages): the cookie ``faldone_session`` carries a random token
  signed with HMAC-SHA256 (HttpOnly, SameSite=Lax, Secure over HTTPS); the server
  keeps only its hash, so logout and password changes end sessions at once. State
  changing requests must repeat the session's CSRF token in ``X-CSRF-Token``
  (double submit: the page reads it from the ``faldone_csrf`` cookie).
- With ``auth_disabled`` every request is the built-in local admin.

Login failures are limited per user name and per client address (5 in 5 minutes
→ 429 with Retry-After). The counters live in the API process: with several API
processes the limit applies to each.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from core.users import LOCAL_ADMIN, Principal, Users

if TYPE_CHECKING:
    from api.state import AppState

__all__ = [
    "CSRF_COOKIE",
    "SESSION_COOKIE",
    "LoginLimiter",
    "authenticate",
    "clear_session_cookies",
    "set_session_cookies",
]

SESSION_COOKIE = "faldone_session"
CSRF_COOKIE = "faldone_csrf"
SESSION_SECONDS = 12 * 3600


def _api_key(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    key = request.headers.get("x-api-key", "").strip()
    return key or None


def authenticate(request: Request, state: AppState) -> Principal | None:
    """The caller, or None for an anonymous request."""
    if state.settings.auth_disabled:
        return LOCAL_ADMIN
    users = Users(state.catalog)
    key = _api_key(request)
    if key is not None:
        return users.principal_for_api_key(key)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        token = users.unsign(cookie)
        if token is not None:
            return users.principal_for_session(token)
    return None


def session_token(request: Request, state: AppState) -> str | None:
    cookie = request.cookies.get(SESSION_COOKIE)
    return Users(state.catalog).unsign(cookie) if cookie else None


def set_session_cookies(response: Response, request: Request, signed: str, csrf: str) -> None:
    secure = request.url.scheme == "https"
    response.set_cookie(
        SESSION_COOKIE,
        signed,
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
    )
    response.set_cookie(
        CSRF_COOKIE, csrf, max_age=SESSION_SECONDS, httponly=False, samesite="lax", secure=secure, path="/"
    )


def clear_session_cookies(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")


class LoginLimiter:
    """Failed logins per user name and per address in a sliding window."""

    def __init__(self, max_failures: int = 5, window_seconds: float = 300.0) -> None:
        self.max_failures = max_failures
        self.window = window_seconds
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _keys(self, username: str, ip: str) -> list[str]:
        return [f"user:{username.strip().lower()}", f"ip:{ip}"]

    def retry_after(self, username: str, ip: str) -> int:
        """Seconds until another attempt is allowed (0: allowed now)."""
        now = time.monotonic()
        wait = 0.0
        with self._lock:
            for key in self._keys(username, ip):
                times = self._failures.get(key)
                if not times:
                    continue
                while times and now - times[0] > self.window:
                    times.popleft()
                if len(times) >= self.max_failures:
                    wait = max(wait, self.window - (now - times[0]))
        return int(wait) + 1 if wait else 0

    def failed(self, username: str, ip: str) -> None:
        now = time.monotonic()
        with self._lock:
            if len(self._failures) > 100_000:  # bounded memory under a spray of names
                self._failures.clear()
            for key in self._keys(username, ip):
                self._failures.setdefault(key, deque(maxlen=self.max_failures * 4)).append(now)

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._failures.pop(self._keys(username, "")[0], None)
