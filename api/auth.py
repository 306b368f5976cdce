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
    """Failed logins per (user name, address) and per address, with growing delays.

    Never per user name alone: a stranger guessing `admin`'s password from one
    address must not lock `admin` out everywhere. After `free_failures` failures a
    (user, address) pair waits 1 s, then 2, 4 … up to `max_delay` seconds after each
    further failure; one address trying many names meets the same curve at
    `address_factor` times the count. A success clears the pair.
    """

    def __init__(
        self,
        free_failures: int = 3,
        max_delay: float = 300.0,
        window_seconds: float = 3600.0,
        address_factor: int = 5,
    ) -> None:
        self.free = free_failures
        self.max_delay = max_delay
        self.window = window_seconds
        self.address_factor = address_factor
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _keys(self, username: str, ip: str) -> list[tuple[str, int]]:
        """(key, failures allowed before delays start)."""
        return [
            (f"pair:{username.strip().lower()}@{ip}", self.free),
            (f"ip:{ip}", self.free * self.address_factor),
        ]

    def _delay(self, failures: int, free: int) -> float:
        over = failures - free
        return 0.0 if over < 0 else min(self.max_delay, 2.0**over)

    def retry_after(self, username: str, ip: str) -> int:
        """Seconds until another attempt is allowed (0: allowed now)."""
        now = time.monotonic()
        wait = 0.0
        with self._lock:
            for key, free in self._keys(username, ip):
                times = self._failures.get(key)
                if not times:
                    continue
                while times and now - times[0] > self.window:
                    times.popleft()
                if times:
                    wait = max(wait, self._delay(len(times), free) - (now - times[-1]))
        return int(wait) + 1 if wait > 0 else 0

    def failed(self, username: str, ip: str) -> None:
        now = time.monotonic()
        with self._lock:
            if len(self._failures) > 100_000:  # bounded memory under a spray of names
                self._failures.clear()
            for key, _ in self._keys(username, ip):
                self._failures.setdefault(key, deque(maxlen=256)).append(now)

    def succeeded(self, username: str, ip: str = "") -> None:
        with self._lock:
            self._failures.pop(self._keys(username, ip)[0][0], None)
