"""The OpenAPI schema documents every answer: a named model for JSON, a media type otherwise."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from api.app import create_app
from tests.support import make_settings


def _schema(tmp_path: Path) -> dict[str, Any]:
    app = create_app(make_settings(tmp_path / "data"))
    with TestClient(app) as client:
        response = client.get("/openapi.json")
    assert response.status_code == 200
    schema: dict[str, Any] = response.json()
    return schema


def undocumented(schema: dict[str, Any]) -> list[str]:
    """Operations whose success answer has no schema, or only an anonymous JSON object."""
    missing = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            success = {code: r for code, r in operation["responses"].items() if code.startswith("2")}
            if not success:
                missing.append(f"{method.upper()} {path}: no success answer")
            for code, answer in success.items():
                if code == "204":
                    continue
                content = answer.get("content", {})
                if not content:
                    missing.append(f"{method.upper()} {path} {code}: no content")
                for media_type, body in content.items():
                    body_schema = body.get("schema", {})
                    if media_type == "application/json" and "$ref" not in body_schema:
                        missing.append(f"{method.upper()} {path} {code}: JSON without a model")
                    elif not body_schema:
                        missing.append(f"{method.upper()} {path} {code}: {media_type} without a schema")
    return missing


def test_every_operation_documents_its_answer(tmp_path: Path) -> None:
    schema = _schema(tmp_path)
    assert len(schema["paths"]) > 40
    assert undocumented(schema) == []
    # JSON answers point at models that exist, with their fields.
    models = schema["components"]["schemas"]
    assert models["SearchResults"]["properties"]["hits"]["items"] == {
        "$ref": "#/components/schemas/SearchHit"
    }
    assert {"id", "filename", "text", "entities", "pec_links"} <= set(models["DocumentOut"]["properties"])


def test_the_check_catches_an_anonymous_answer() -> None:
    anonymous = {
        "content": {"application/json": {"schema": {"type": "object", "additionalProperties": True}}}
    }
    schema = {
        "paths": {"/x": {"get": {"responses": {"200": anonymous}}, "delete": {"responses": {"204": {}}}}}
    }
    assert undocumented(schema) == ["GET /x 200: JSON without a model"]
