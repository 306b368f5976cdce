"""Backends register by name; a process loads only the engine it runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from index.backends import UnknownBackend, backend_names, open_backend
from index.backends.embedded import EmbeddedBackend
from tests.support import make_settings

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_every_backend_module_registers_itself() -> None:
    assert backend_names() == ["cluster", "embedded"]


def test_the_configured_name_opens_its_backend(tmp_path: Path) -> None:
    backend = open_backend(make_settings(tmp_path), writer=True)
    try:
        assert isinstance(backend, EmbeddedBackend)
    finally:
        backend.close()


def test_an_unknown_name_says_which_exist(tmp_path: Path) -> None:
    settings = make_settings(tmp_path).model_copy(update={"search_backend": "solr"})
    with pytest.raises(UnknownBackend, match="known: cluster, embedded"):
        open_backend(settings, writer=False)


def test_the_cluster_backend_and_the_query_semantics_never_load_tantivy() -> None:
    code = (
        "import sys, index.backends.cluster, index.query.semantics; "
        "from index.backends.registry import _load; _load('cluster'); "
        "print('tantivy' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
