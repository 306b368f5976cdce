"""IMAP source: poll folders of a mailbox and queue every new message once.

For each folder the catalog remembers the folder's UIDVALIDITY and the highest
UID queued (`Catalog.imap_cursor`). A poll fetches only the UIDs above it, stores
each message's RFC 822 bytes in the archive and queues a job with source
``imap:<folder>``. The cursor moves after each message is queued; if the
worker dies in between, the next poll fetches that message again and the
archive's SHA-256 dedup recognises it. When the server renumbers a folder
(a new UIDVALIDITY) the whole folder is read again, and dedup again keeps
known messages from being ingested twice. Messages are fetched with
``BODY.PEEK[]``: polling never marks mail as read.

Errors::

    ImapError               the mailbox cannot be reached, logged into or read
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import re
import ssl
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar, Literal

from core.archive import Archive
from core.catalog import Catalog
from core.errors import ErrorKind, FaldoneError
from core.settings import Settings

__all__ = ["ImapConfig", "ImapError", "ImapPollReport", "ImapSource", "poll_imap"]

log = logging.getLogger("faldone.imap")

Security = Literal["ssl", "starttls", "none"]
_UIDVALIDITY = re.compile(rb"UIDVALIDITY (\d+)")
_FETCH_UID = re.compile(rb"UID (\d+)")


class ImapError(FaldoneError, RuntimeError):
    """The mailbox cannot be reached, logged into or read (a fault of the server or settings)."""

    kind: ClassVar[ErrorKind] = "unavailable"
    code: ClassVar[str] = "imap_unavailable"


@dataclass(frozen=True)
class ImapConfig:
    """One mailbox. `security`: "ssl" (IMAPS, port 993), "starttls" (port 143) or "none" (loopback only)."""

    host: str
    user: str
    password: str
    port: int = 993
    folders: tuple[str, ...] = ("INBOX",)
    security: Security = "ssl"
    poll_seconds: float = 60.0
    timeout: float = 30.0
    ssl_context: ssl.SSLContext | None = field(default=None, compare=False)

    @property
    def account(self) -> str:
        """The key under which the catalog keeps this mailbox's cursors."""
        return f"{self.user}@{self.host}:{self.port}"

    @classmethod
    def from_settings(cls, settings: Settings) -> ImapConfig | None:
        """The mailbox named by ``FALDONE_IMAP_*`` settings, or None when `imap_host` is unset."""
        if not settings.imap_host:
            return None
        default_port = 993 if settings.imap_security == "ssl" else 143
        return cls(
            host=settings.imap_host,
            port=settings.imap_port or default_port,
            user=settings.imap_user,
            password=settings.imap_password.get_secret_value(),
            folders=tuple(f.strip() for f in settings.imap_folders.split(",") if f.strip()),
            security=settings.imap_security,
            poll_seconds=settings.imap_poll_seconds or 60.0,
        )


@dataclass
class ImapPollReport:
    fetched: int = 0
    queued: int = 0
    duplicates: int = 0
    folders: dict[str, int] = field(default_factory=dict)  # folder → messages queued
    errors: dict[str, str] = field(default_factory=dict)  # folder → why it could not be read


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _connect(config: ImapConfig) -> imaplib.IMAP4:
    context = config.ssl_context or ssl.create_default_context()
    client: imaplib.IMAP4 | None = None
    try:
        if config.security == "ssl":
            client = imaplib.IMAP4_SSL(config.host, config.port, ssl_context=context, timeout=config.timeout)
        else:
            client = imaplib.IMAP4(config.host, config.port, timeout=config.timeout)
            if config.security == "starttls":
                client.starttls(ssl_context=context)
        client.login(config.user, config.password)
    except (OSError, imaplib.IMAP4.error) as err:
        if client is not None:
            with contextlib.suppress(OSError, imaplib.IMAP4.error):
                client.logout()
        raise ImapError(f"cannot log into {config.account} ({config.security}): {err}") from err
    return client


def _check(response: tuple[str, Sequence[object]], what: str) -> Sequence[object]:
    status, data = response
    if status != "OK":
        raise ImapError(f"{what} failed: {data!r}")
    return data


class _FolderPoll:
    def __init__(
        self, client: imaplib.IMAP4, config: ImapConfig, folder: str, archive: Archive, catalog: Catalog
    ) -> None:
        self.client, self.config, self.folder = client, config, folder
        self.archive, self.catalog = archive, catalog

    def _uidvalidity(self) -> int:
        _check(self.client.select(_quote(self.folder), readonly=True), f"SELECT {self.folder}")
        _, values = self.client.response("UIDVALIDITY")
        for value in values:
            if isinstance(value, bytes) and value.strip().isdigit():
                return int(value)
        raise ImapError(f"the server gave no UIDVALIDITY for {self.folder}")

    def _new_uids(self, after: int) -> list[int]:
        data = _check(self.client.uid("SEARCH", f"UID {after + 1}:*"), f"UID SEARCH in {self.folder}")
        raw = data[0] if data and isinstance(data[0], bytes) else b""
        return sorted(uid for uid in (int(x) for x in raw.split()) if uid > after)  # n:* includes the last

    def _fetch(self, uid: int) -> bytes | None:
        data = _check(self.client.uid("FETCH", str(uid), "(BODY.PEEK[])"), f"FETCH {uid} in {self.folder}")
        for item in data:
            if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
                return item[1]
        return None  # expunged meanwhile

    def run(self, report: ImapPollReport) -> None:
        uidvalidity = self._uidvalidity()
        cursor = self.catalog.imap_cursor(self.config.account, self.folder)
        after = cursor.last_uid if cursor and cursor.uidvalidity == uidvalidity else 0
        if cursor and cursor.uidvalidity != uidvalidity:
            log.warning(
                "imap %s/%s: UIDVALIDITY changed, reading the folder again", self.config.account, self.folder
            )
        queued = 0
        for uid in self._new_uids(after):
            message = self._fetch(uid)
            if message is not None:
                report.fetched += 1
                sha = self.archive.store_bytes(message)
                name = f"{self.folder.replace('/', '-')}-{uid}.eml"
                where = f"imap://{self.config.account}/{self.folder};UIDVALIDITY={uidvalidity}/;UID={uid}"
                _, new = self.catalog.enqueue(sha, name, f"imap:{self.folder}", where)
                queued += int(new)
                report.duplicates += int(not new)
            self.catalog.set_imap_cursor(self.config.account, self.folder, uidvalidity, uid)
        report.queued += queued
        report.folders[self.folder] = queued


def poll_imap(config: ImapConfig, settings: Settings, catalog: Catalog) -> ImapPollReport:
    """Queue every message of the configured folders that was not queued before."""
    archive = Archive(settings.archive_dir)
    report = ImapPollReport()
    client = _connect(config)
    try:
        for folder in config.folders:
            try:
                _FolderPoll(client, config, folder, archive, catalog).run(report)
            except (ImapError, imaplib.IMAP4.error) as err:  # one bad folder must not hide the others
                report.errors[folder] = str(err)
                log.warning("imap %s: cannot read %s: %s", config.account, folder, err)
    except OSError as err:
        raise ImapError(f"connection to {config.account} lost: {err}") from err
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            client.logout()
    return report


class ImapSource:
    """A poller for the worker: `source()` polls at most every `config.poll_seconds`."""

    def __init__(self, config: ImapConfig, settings: Settings, catalog: Catalog) -> None:
        self.config, self.settings, self.catalog = config, settings, catalog
        self._last = float("-inf")

    def __call__(self) -> int:
        if time.monotonic() - self._last < self.config.poll_seconds:
            return 0
        self._last = time.monotonic()
        report = poll_imap(self.config, self.settings, self.catalog)
        if report.queued:
            log.info("imap %s: %d new messages queued", self.config.account, report.queued)
        return report.queued
