"""Property-based fuzzing of every operation in the OpenAPI schema: no answer is a 5xx.

The app runs with a small seeded archive. Authentication is off here (the local
admin reaches every handler); `test_authz.py` covers who may call what. The
number of examples per operation is bounded so the run takes well under two minutes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis import APIOperation, Case
from schemathesis.core.result import Err

from api.app import create_app
from core.archive import Archive
from tests.api._legal_support import make_doc, store
from tests.support import make_settings


def _operations(app: object) -> list[APIOperation[Any, Any, Any, Any]]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = []
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            raise result.err()  # the schema itself is broken
        operations.append(result.ok())
    return operations


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    folder: Path = tmp_path_factory.mktemp("fuzz")
    config = make_settings(folder / "data")
    config.ensure_dirs()
    archive = Archive(config.archive_dir)
    store(config, [[make_doc(archive, "fattura.txt", "public", "fattura reclamo rossi", category="invoice")]])
    application = create_app(config)
    with TestClient(application):
        yield application


def test_no_operation_answers_with_a_server_error(app: FastAPI) -> None:
    # The operations are walked here rather than with `schema.parametrize()`, whose pytest
    # plugin does not work with pytest 9 (it reads `Function._nodeid`).
    operations = _operations(app)
    assert len(operations) > 40
    failures: list[str] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=12,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case: Case[Any]) -> None:
            response = case.call()
            assert response.status_code < 500, (
                f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:300]}"
            )

        try:
            fuzz()
        except Exception as err:  # a server exception propagates through the test client
            failures.append(f"{operation.method.upper()} {operation.path}: {type(err).__name__}: {err}"[:500])
    assert not failures, "\n".join(failures)
