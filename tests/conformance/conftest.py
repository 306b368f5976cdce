"""The `backend` fixture: the shared corpus indexed in each backend under test.

To add a backend, add an opener to `OPENERS` (name -> function of a fresh
folder returning a writable backend); every conformance test then runs on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from index.backend import SearchBackend
from index.backends.embedded import EmbeddedBackend
from tests.conformance.corpus import CORPUS


def _embedded(path: Path) -> SearchBackend:
    return EmbeddedBackend(path / "index", writer=True)


OPENERS: dict[str, Callable[[Path], SearchBackend]] = {"embedded": _embedded}


@pytest.fixture(scope="module", params=sorted(OPENERS))
def backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SearchBackend]:
    opened = OPENERS[request.param](tmp_path_factory.mktemp(request.param))
    opened.index(CORPUS)
    opened.commit()
    yield opened
    opened.close()
