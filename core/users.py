"""Users, API keys, web sessions and collections (which groups may see which sources).

Passwords are argon2id hashes (argon2-cffi). API keys and session tokens are random
256-bit secrets; only their SHA-256 is stored, so a copy of the catalog opens nothing.

Access to documents: a document's *source* (``upload``, ``cli``, ``inbox``, ``imap:…``)
is matched against the `collections` table (a glob pattern → groups). The most
specific pattern wins (exact names before globs, longer globs before shorter ones).
A user sees a document when one of their groups is among its collection's groups;
a source that matches no collection is visible to admins only (deny by default).
Admins see everything.
"""

from __future__ import annotations

import fnmatch
import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from core.clock import utcnow
from core.errors import CoreError, ErrorKind
from core.models import ApiKeyRow, CollectionRow, SecretRow, SessionRow, UserRow

if TYPE_CHECKING:
    from core.catalog import Catalog

__all__ = [
    "LOCAL_ADMIN",
    "ROLES",
    "Collections",
    "Principal",
    "UnknownUser",
    "UserError",
    "UserInfo",
    "Users",
]

ROLES: tuple[str, ...] = ("staff", "quality", "legal", "admin")
MIN_PASSWORD = 12
SESSION_HOURS = 12
API_KEY_PREFIX = "fk_"

_hasher = PasswordHasher()
# Verified against when the user does not exist, so timing does not reveal usernames.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class UserError(CoreError):
    """A request about users that cannot be honoured (weak password, invalid name…)."""


class UnknownUser(UserError):
    kind: ClassVar[ErrorKind] = "not_found"
    code: ClassVar[str] = "not_found"


def _sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@dataclass(frozen=True)
class Principal:
    """Who makes a request: a user (by session or API key) or the local admin."""

    username: str
    role: str
    groups: frozenset[str] = field(default_factory=frozenset)
    user_id: int | None = None
    via: str = "local"  # local | session | api_key | cli
    must_change_password: bool = False
    csrf: str | None = None

    @property
    def sees_everything(self) -> bool:
        return self.role == "admin"


LOCAL_ADMIN = Principal(username="local-admin", role="admin", via="local")


def _groups(raw: str) -> frozenset[str]:
    try:
        value = json.loads(raw or "[]")
    except ValueError:
        return frozenset()
    return frozenset(str(v) for v in value) if isinstance(value, list) else frozenset()


def _clean_groups(groups: Iterable[str]) -> list[str]:
    cleaned = sorted({g.strip() for g in groups if g and g.strip()})
    for group in cleaned:
        if len(group) > 64 or not all(c.isalnum() or c in "-_." for c in group):
            raise UserError(f"invalid group name {group!r}: letters, digits, - _ . only")
    return cleaned


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"passwords need at least {MIN_PASSWORD} characters")
    if len(password) > 1024:
        raise UserError("password too long")


def _principal(row: UserRow, via: str, csrf: str | None = None) -> Principal:
    return Principal(
        username=row.username,
        role=row.role,
        groups=_groups(row.groups),
        user_id=row.id,
        via=via,
        must_change_password=row.must_change_password,
        csrf=csrf,
    )


@dataclass(frozen=True)
class UserInfo:
    id: int
    username: str
    role: str
    groups: list[str]
    active: bool
    must_change_password: bool
    created_at: datetime


def _info(row: UserRow) -> UserInfo:
    return UserInfo(
        row.id,
        row.username,
        row.role,
        sorted(_groups(row.groups)),
        row.active,
        row.must_change_password,
        row.created_at,
    )


class Users:
    """Users, their API keys and sessions, stored in the catalog database."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    # -- users ----------------------------------------------------------------

    def count(self) -> int:
        with self.catalog.session() as s:
            return s.scalar(select(func.count()).select_from(UserRow)) or 0

    def all(self) -> list[UserInfo]:
        with self.catalog.session() as s:
            return [_info(r) for r in s.scalars(select(UserRow).order_by(UserRow.username))]

    def get(self, username: str) -> UserInfo | None:
        with self.catalog.session() as s:
            row = s.scalars(select(UserRow).where(UserRow.username == username)).first()
            return _info(row) if row else None

    def create(
        self,
        username: str,
        role: str,
        groups: Iterable[str] = (),
        password: str | None = None,
        *,
        must_change_password: bool | None = None,
    ) -> str:
        """Create a user; returns the password (a random one when none is given)."""
        username = username.strip()
        if not username or len(username) > 64 or not all(c.isalnum() or c in "-_.@" for c in username):
            raise UserError("usernames: 1-64 letters, digits, - _ . @")
        if role not in ROLES:
            raise UserError(f"unknown role {role!r}; roles: {', '.join(ROLES)}")
        generated = password is None
        password = password or secrets.token_urlsafe(15)
        check_password_strength(password)
        must_change = generated if must_change_password is None else must_change_password
        try:
            with self.catalog.session() as s, s.begin():
                if s.scalars(select(UserRow.id).where(UserRow.username == username)).first() is not None:
                    raise UserError(f"user {username!r} exists")
                s.add(
                    UserRow(
                        username=username,
                        password_hash=_hasher.hash(password),
                        role=role,
                        groups=json.dumps(_clean_groups(groups)),
                        active=True,
                        must_change_password=must_change,
                        created_at=utcnow(),
                    )
                )
        except IntegrityError as err:  # another process inserted the same name between check and commit
            raise UserError(f"user {username!r} exists") from err
        return password

    def update(
        self,
        username: str,
        *,
        role: str | None = None,
        groups: Iterable[str] | None = None,
        active: bool | None = None,
    ) -> UserInfo:
        values: dict[str, Any] = {}
        if role is not None:
            if role not in ROLES:
                raise UserError(f"unknown role {role!r}")
            values["role"] = role
        if groups is not None:
            values["groups"] = json.dumps(_clean_groups(groups))
        if active is not None:
            values["active"] = active
        with self.catalog.session() as s, s.begin():
            row = s.scalars(select(UserRow).where(UserRow.username == username)).first()
            if row is None:
                raise UnknownUser(f"no user {username!r}")
            if values:
                s.execute(update(UserRow).where(UserRow.id == row.id).values(**values))
            if active is False or role is not None:
                s.execute(delete(SessionRow).where(SessionRow.user_id == row.id))
            s.flush()
            s.refresh(row)
            return _info(row)

    def delete(self, username: str) -> bool:
        with self.catalog.session() as s, s.begin():
            row = s.scalars(select(UserRow).where(UserRow.username == username)).first()
            if row is None:
                return False
            s.execute(delete(SessionRow).where(SessionRow.user_id == row.id))
            s.execute(delete(ApiKeyRow).where(ApiKeyRow.user_id == row.id))
            s.delete(row)
            return True

    def set_password(self, username: str, password: str, *, must_change: bool = False) -> None:
        """Set a password; every session of the user ends."""
        check_password_strength(password)
        with self.catalog.session() as s, s.begin():
            row = s.scalars(select(UserRow).where(UserRow.username == username)).first()
            if row is None:
                raise UnknownUser(f"no user {username!r}")
            row.password_hash = _hasher.hash(password)
            row.must_change_password = must_change
            s.execute(delete(SessionRow).where(SessionRow.user_id == row.id))

    def authenticate(self, username: str, password: str) -> Principal | None:
        """The user's principal when the password is right and the account active."""
        with self.catalog.session() as s:
            row = s.scalars(select(UserRow).where(UserRow.username == username)).first()
        try:
            _hasher.verify(row.password_hash if row else _DUMMY_HASH, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        if row is None or not row.active:
            return None
        if _hasher.check_needs_rehash(row.password_hash):
            with self.catalog.session() as s, s.begin():
                s.execute(
                    update(UserRow).where(UserRow.id == row.id).values(password_hash=_hasher.hash(password))
                )
        return _principal(row, "password")

    def bootstrap_admin(self) -> str | None:
        """On the first run (no users), create `admin` with a one-time password and return it."""
        if self.count():
            return None
        try:
            return self.create("admin", "admin", (), None, must_change_password=True)
        except UserError:  # another process created it first
            return None

    # -- API keys -------------------------------------------------------------

    def create_api_key(self, user_id: int, name: str) -> tuple[int, str]:
        """A new key for the user: (key id, the key itself — shown once)."""
        raw = API_KEY_PREFIX + secrets.token_urlsafe(32)
        with self.catalog.session() as s, s.begin():
            row = ApiKeyRow(
                user_id=user_id,
                name=name.strip()[:200] or "key",
                key_hash=_sha(raw),
                prefix=raw[:8],
                created_at=utcnow(),
            )
            s.add(row)
            s.flush()
            return row.id, raw

    def api_keys(self, user_id: int) -> list[dict[str, Any]]:
        with self.catalog.session() as s:
            rows = s.scalars(select(ApiKeyRow).where(ApiKeyRow.user_id == user_id).order_by(ApiKeyRow.id))
            return [
                {
                    "id": r.id,
                    "name": r.name,
                    "prefix": r.prefix,
                    "created_at": r.created_at.isoformat(),
                    "last_used_at": r.last_used_at.isoformat() if r.last_used_at else None,
                }
                for r in rows
            ]

    def revoke_api_key(self, user_id: int, key_id: int) -> bool:
        with self.catalog.session() as s, s.begin():
            result = s.execute(delete(ApiKeyRow).where(ApiKeyRow.id == key_id, ApiKeyRow.user_id == user_id))
            return bool(getattr(result, "rowcount", 0))

    def principal_for_api_key(self, raw: str) -> Principal | None:
        if not raw.startswith(API_KEY_PREFIX) or len(raw) > 200:
            return None
        with self.catalog.session() as s, s.begin():
            found = s.execute(
                select(ApiKeyRow, UserRow)
                .join(UserRow, UserRow.id == ApiKeyRow.user_id)
                .where(ApiKeyRow.key_hash == _sha(raw))
            ).first()
            if found is None:
                return None
            key, user = found
            if not user.active:
                return None
            now = utcnow()
            if key.last_used_at is None or now - key.last_used_at > timedelta(minutes=5):
                key.last_used_at = now
            return _principal(user, "api_key")

    # -- sessions -------------------------------------------------------------

    def secret(self) -> bytes:
        """The key that signs session cookies; created once, shared by all API processes."""
        with self.catalog.session() as s, s.begin():
            row = s.get(SecretRow, "session")
            if row is None:
                row = SecretRow(name="session", value=secrets.token_hex(32))
                s.add(row)
            return bytes.fromhex(row.value)

    def new_session(self, user_id: int) -> tuple[str, str]:
        """(session token, CSRF token) for a user who just logged in."""
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = utcnow()
        with self.catalog.session() as s, s.begin():
            s.execute(delete(SessionRow).where(SessionRow.expires_at < now))
            s.add(
                SessionRow(
                    token_hash=_sha(token),
                    user_id=user_id,
                    csrf=csrf,
                    created_at=now,
                    expires_at=now + timedelta(hours=SESSION_HOURS),
                )
            )
        return token, csrf

    def principal_for_session(self, token: str) -> Principal | None:
        with self.catalog.session() as s:
            found = s.execute(
                select(SessionRow, UserRow)
                .join(UserRow, UserRow.id == SessionRow.user_id)
                .where(SessionRow.token_hash == _sha(token))
            ).first()
        if found is None:
            return None
        session, user = found
        if session.expires_at < utcnow() or not user.active:
            return None
        return _principal(user, "session", csrf=session.csrf)

    def end_session(self, token: str) -> None:
        with self.catalog.session() as s, s.begin():
            s.execute(delete(SessionRow).where(SessionRow.token_hash == _sha(token)))

    def sign(self, token: str) -> str:
        mac = hmac.new(self.secret(), token.encode(), hashlib.sha256).hexdigest()
        return f"{token}.{mac}"

    def unsign(self, cookie: str) -> str | None:
        token, _, mac = cookie.rpartition(".")
        if not token or not mac:
            return None
        expected = hmac.new(self.secret(), token.encode(), hashlib.sha256).hexdigest()
        return token if hmac.compare_digest(expected, mac) else None


class Collections:
    """Source patterns and the groups allowed to see their documents."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def all(self) -> list[dict[str, Any]]:
        with self.catalog.session() as s:
            return [
                {"pattern": r.pattern, "groups": sorted(_groups(r.groups)), "description": r.description}
                for r in s.scalars(select(CollectionRow).order_by(CollectionRow.pattern))
            ]

    def set(self, pattern: str, groups: Iterable[str], description: str = "") -> None:
        pattern = pattern.strip()
        if not pattern or len(pattern) > 255:
            raise UserError("a collection needs a source pattern (glob, up to 255 characters)")
        cleaned = json.dumps(_clean_groups(groups))
        with self.catalog.session() as s, s.begin():
            row = s.scalars(select(CollectionRow).where(CollectionRow.pattern == pattern)).first()
            if row is None:
                s.add(CollectionRow(pattern=pattern, groups=cleaned, description=description))
            else:
                row.groups, row.description = cleaned, description

    def delete(self, pattern: str) -> bool:
        with self.catalog.session() as s, s.begin():
            result = s.execute(delete(CollectionRow).where(CollectionRow.pattern == pattern))
            return bool(getattr(result, "rowcount", 0))

    def _rules(self) -> list[tuple[str, frozenset[str]]]:
        with self.catalog.session() as s:
            rows = [(r.pattern, _groups(r.groups)) for r in s.scalars(select(CollectionRow))]
        # Most specific first: exact names, then longer globs.
        return sorted(rows, key=lambda r: (any(c in r[0] for c in "*?["), -len(r[0]), r[0]))

    def groups_for_source(self, source: str) -> frozenset[str]:
        for pattern, groups in self._rules():
            if fnmatch.fnmatchcase(source, pattern):
                return groups
        return frozenset()

    def visible_sources(self, principal: Principal, sources: Iterable[str]) -> list[str]:
        """Which of these sources the principal may see."""
        if principal.sees_everything:
            return sorted(set(sources))
        rules = self._rules()
        visible = []
        for source in set(sources):
            for pattern, groups in rules:
                if fnmatch.fnmatchcase(source, pattern):
                    if groups & principal.groups:
                        visible.append(source)
                    break
        return sorted(visible)
