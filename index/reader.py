"""The API's view of the index: opened lazily, reopened when it comes back.

An API process must start and serve the catalog, documents and originals even
when the index cannot be opened (damaged, or being rebuilt by the worker).
`HealingReader` tries to open the index at most once a second; until it
succeeds every search raises `BackendUnavailable` with a message for people
(Italian and English), which the API answers with 503, and `/readyz` reports
it. A reader that fails to reload (its files damaged under it) is dropped and
reopened the same way.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable

from core.document import Document
from index.backend import (
    BackendUnavailable,
    HistogramBucket,
    Hit,
    Interval,
    SearchBackend,
    SearchRequest,
    SearchResult,
)

__all__ = ["UNAVAILABLE_MESSAGE", "HealingReader"]

UNAVAILABLE_MESSAGE = (
    "La ricerca non è disponibile: l'indice è danneggiato o in ricostruzione; "
    "catalogo, documenti e originali restano consultabili. / "
    "Search is unavailable: the index is damaged or being rebuilt; "
    "the catalog, documents and originals can still be read."
)
_RETRY_SECONDS = 1.0


class HealingReader(SearchBackend):
    """A read-only backend that survives an index it cannot open (yet)."""

    name = "healing-reader"

    def __init__(self, opener: Callable[[], SearchBackend]) -> None:
        self._opener = opener
        self._inner: SearchBackend | None = None
        self._lock = threading.Lock()
        self._last_try = 0.0
        self.problem = ""  # why the index is unavailable ("" when it is fine)
        self._open(force=True)

    def _open(self, *, force: bool = False) -> SearchBackend | None:
        with self._lock:
            if self._inner is not None:
                return self._inner
            now = time.monotonic()
            if not force and now - self._last_try < _RETRY_SECONDS:
                return None
            self._last_try = now
            try:
                self._inner = self._opener()
                self.problem = ""
            except BackendUnavailable as err:
                self.problem = str(err)
            return self._inner

    def _drop(self, err: Exception) -> None:
        with self._lock:
            inner, self._inner = self._inner, None
            self.problem = str(err)
            self._last_try = time.monotonic()
        if inner is not None:
            with contextlib.suppress(Exception):  # a broken reader may fail to close too
                inner.close()

    def _backend(self) -> SearchBackend:
        inner = self._open()
        if inner is None:
            raise BackendUnavailable(f"{UNAVAILABLE_MESSAGE} ({self.problem})")
        return inner

    @property
    def available(self) -> bool:
        return self._open() is not None

    def refresh(self) -> None:
        inner = self._open()
        if inner is None:
            return
        try:
            inner.refresh()
        except (ValueError, OSError, BackendUnavailable) as err:
            self._drop(err)

    def search(self, request: SearchRequest) -> SearchResult:
        return self._backend().search(request)

    def histogram(self, request: SearchRequest, interval: Interval) -> list[HistogramBucket]:
        return self._backend().histogram(request, interval)

    def count(self) -> int:
        return self._backend().count()

    def more_like_this(self, doc_id: str, limit: int = 10) -> list[Hit]:
        return self._backend().more_like_this(doc_id, limit)

    def duplicates(self, doc_id: str) -> list[Hit]:
        return self._backend().duplicates(doc_id)

    def near_duplicates(self, doc_id: str) -> list[Hit]:
        return self._backend().near_duplicates(doc_id)

    def close(self) -> None:
        with self._lock:
            inner, self._inner = self._inner, None
        if inner is not None:
            inner.close()

    def _refuse(self, *_: object, **__: object) -> None:
        raise PermissionError("the API reads the index; only the worker writes it")

    def index(self, documents: list[Document]) -> None:
        self._refuse(documents)

    def delete(self, ids: list[str]) -> None:
        self._refuse(ids)

    def commit(self) -> None:
        self._refuse()

    def clear(self) -> None:
        self._refuse()
