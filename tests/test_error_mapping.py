"""One exception base per package, mapped to HTTP in one place (`api.errors`).

- every package's base error is a `FaldoneError`, and every kind has a status;
- each package's errors come out of the real handler with the status of their kind,
  their code and their context, and machine faults never show their detail;
- no module of `api/` translates an error into another in an ``except`` block (the
  checker is tried on a small source of its own, so it is known to catch one).
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import get_args

import pytest
from starlette.requests import Request

from api.errors import SEARCH_UNAVAILABLE, STATUS, ApiError, BadRequest, error_response
from core.archive import ArchiveError, FileTooLarge, OriginalMissing
from core.errors import ErrorKind, FaldoneError
from core.users import UnknownUser, UserError
from index.backend import BackendUnavailable, QuerySyntaxError, SearchError
from index.query.cost import QueryTooCostly
from ingest.errors import CorruptDocument, IngestError
from ingest.imap import ImapError
from legal.errors import LegalError
from legal.export import ExportTooLarge, NothingToExport
from legal.holds import HoldError, MatterExists, MatterNotFound
from legal.retention import DocumentHeld, RetentionError
from nlp.errors import ModelNotAvailableError, NlpError

ROOT = Path(__file__).resolve().parents[1]


def _request(path: str = "/api/search") -> Request:
    return Request({"type": "http", "method": "GET", "path": path, "headers": [], "query_string": b""})


def _answer(exc: FaldoneError) -> tuple[int, dict[str, object], dict[str, str]]:
    response = error_response(_request(), exc)
    return response.status_code, json.loads(bytes(response.body))["error"], dict(response.headers)


def test_every_package_has_one_base_under_the_root_and_every_kind_a_status() -> None:
    for base in (SearchError, NlpError, IngestError, LegalError, ApiError, ArchiveError, UserError):
        assert issubclass(base, FaldoneError), base
    assert set(STATUS) == set(get_args(ErrorKind))


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (QuerySyntaxError("expected a term", 7), 400, "query_syntax"),
        (QueryTooCostly("too many wildcards", reason="wildcards"), 400, "bad_request"),
        (UserError("passwords need at least 12 characters"), 400, "bad_request"),
        (UnknownUser("no user 'x'"), 404, "not_found"),
        (OriginalMissing("original abc is missing"), 404, "not_found"),
        (FileTooLarge("file larger than 10 bytes"), 413, "payload_too_large"),
        (HoldError("a matter needs a name"), 400, "bad_request"),
        (MatterNotFound("no matter 3"), 404, "not_found"),
        (MatterExists("a matter named 'x' exists"), 409, "conflict"),
        (RetentionError("give a positive period"), 400, "bad_request"),
        (NothingToExport("nothing to export"), 404, "not_found"),
        (ExportTooLarge("more than 2 documents", 3, 99), 413, "payload_too_large"),
        (BadRequest("no file in the upload"), 400, "bad_request"),
    ],
)
def test_each_kind_becomes_its_status_with_the_message(error: FaldoneError, status: int, code: str) -> None:
    got, body, _ = _answer(error)
    assert (got, body["code"], body["message"]) == (status, code, str(error))


def test_context_travels_with_the_error() -> None:
    assert _answer(QuerySyntaxError("expected a term", 7))[1]["position"] == 7
    too_large = _answer(ExportTooLarge("more than 2 documents", 3, 99))[1]
    assert (too_large["documents"], too_large["bytes"]) == (3, 99)
    held = DocumentHeld("doc1", [])
    held.add_context(matters=["Causa Rossi"])
    status, body, _ = _answer(held)
    assert (status, body["code"], body["matters"]) == (409, "conflict", ["Causa Rossi"])


@pytest.mark.parametrize(
    "error",
    [
        BackendUnavailable("connection refused to https://elastic:secret@10.0.0.5:9200"),
        ImapError("cannot log into mario@example.com: secret"),
        ModelNotAvailableError("/opt/models/x missing"),
        CorruptDocument("a reason from /var/lib/faldone"),
    ],
)
def test_machine_faults_never_show_their_detail(error: FaldoneError) -> None:
    status, body, headers = _answer(error)
    assert status in (500, 503)
    assert "secret" not in json.dumps(body) and "/var/lib" not in json.dumps(body)
    assert "/opt/models" not in json.dumps(body)
    if status == 503:
        assert headers["retry-after"] == "5"
    if isinstance(error, BackendUnavailable):
        assert body["message"] == SEARCH_UNAVAILABLE


def translations(source: str) -> list[int]:
    """Lines where an ``except`` block raises one of the API's own errors (a translation)."""
    api_errors = {"ApiError", "BadRequest", "NotFound", "Conflict", "PayloadTooLarge", "Forbidden"}
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ExceptHandler):
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.Raise) and isinstance(inner.exc, ast.Call):
                func = inner.exc.func
                if isinstance(func, ast.Name) and func.id in api_errors:
                    found.append(inner.lineno)
    return found


def test_the_translation_checker_catches_one() -> None:
    source = "try:\n    x()\nexcept HoldError as err:\n    raise NotFound(str(err)) from err\n"
    assert translations(source) == [4]
    assert translations("try:\n    x()\nexcept HoldError:\n    raise\n") == []


# Library exceptions (not ours) still need words for users where the API meets them.
_ALLOWED = {"api/routes/ui.py": 1}


def test_no_route_translates_the_errors_of_the_packages_below() -> None:
    offenders = {}
    for path in sorted((ROOT / "api").rglob("*.py")):
        lines = translations(path.read_text(encoding="utf-8"))
        name = str(path.relative_to(ROOT))
        if len(lines) > _ALLOWED.get(name, 0):
            offenders[name] = lines
    assert offenders == {}
