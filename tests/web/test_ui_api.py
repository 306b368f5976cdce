"""The pages' own endpoints (`api.routes.ui`) in-process, on the same real archive as the browser tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from core.saved_searches import clean_query_string
from core.settings import Settings
from tests.web._archive import THREAD_SUBJECT
from tests.web.conftest import web_app


@pytest.fixture(scope="module")
def client(web_archive: Settings) -> Iterator[TestClient]:
    with TestClient(web_app(web_archive)) as test_client:
        yield test_client


def first_hit(client: TestClient, q: str) -> dict[str, Any]:
    hits: list[dict[str, Any]] = client.get("/api/search", params={"q": q}).json()["hits"]
    assert hits, q
    return hits[0]


def test_config_lists_only_facets_the_index_has(client: TestClient) -> None:
    config = client.get("/api/ui/config").json()
    assert config["facets"][:4] == ["type", "source", "language", "category"]
    assert "hold" not in config["facets"] and "tags" not in config["facets"]
    assert set(config["sentiment_ranges"]) == {"negative", "neutral", "positive"}
    response = client.get("/api/search", params={"limit": 0, "facets": ",".join(config["facets"])})
    assert response.status_code == 200, response.text


def test_extra_facets_count_complaints_sentiment_and_months(client: TestClient) -> None:
    data = client.get("/api/ui/facets", params={"q": "fattura"}).json()
    complaint = {b["value"]: b["count"] for b in data["complaint"]}
    total = client.get("/api/search", params={"q": "fattura", "limit": 0}).json()["total"]
    assert complaint["true"] + complaint["false"] == total
    assert complaint["true"] >= 1
    assert sum(b["count"] for b in data["sentiment"]) == total
    assert {"value": "2024-03", "count": total} in data["months"]
    assert client.get("/api/ui/facets", params={"sentiment": "furious"}).status_code == 422


def test_a_selected_field_keeps_its_other_values(client: TestClient) -> None:
    params = {"q": "fattura OR Menschenrechte", "filter": ["type:pdf", "language:de"]}
    keyword = client.get("/api/ui/facets", params=params).json()["keyword"]
    types = {b["value"]: b["count"] for b in keyword["type"]}
    assert types == {"pdf": 1}  # language:de still applies
    only_type = client.get("/api/ui/facets", params={"q": params["q"], "filter": ["type:pdf"]}).json()
    assert {"pdf", "email"} <= {b["value"] for b in only_type["keyword"]["type"]}


def test_suggestions_offer_field_values_and_titles(client: TestClient) -> None:
    values = client.get("/api/ui/suggest", params={"prefix": "mario"}).json()["suggestions"]
    assert {"kind": "value", "field": "sender", "value": "mario.rossi@example.it", "count": 1} in values
    titles = client.get("/api/ui/suggest", params={"prefix": "recl"}).json()["suggestions"]
    assert any(s["kind"] == "title" and s["value"] == THREAD_SUBJECT for s in titles)
    assert client.get("/api/ui/suggest", params={"prefix": "  ("}).json() == {"suggestions": []}
    for odd in ("a'b@c", "x-", "zz.zz"):
        assert client.get("/api/ui/suggest", params={"prefix": odd}).status_code == 200, odd


def test_saved_searches_keep_only_search_parameters(client: TestClient) -> None:
    created = client.post(
        "/api/ui/saved-searches",
        json={"name": "  Reclami   2024 ", "query": "q=reclamo&offset=40&x=1&date=2024"},
    )
    assert created.status_code == 201, created.text
    item = created.json()
    assert item["name"] == "Reclami 2024"
    assert item["url"] == "/?q=reclamo&date=2024"
    listed = client.get("/api/ui/saved-searches").json()["items"]
    assert any(i["id"] == item["id"] for i in listed)
    assert client.post("/api/ui/saved-searches", json={"name": "", "query": "q=x"}).status_code == 422
    assert client.delete(f"/api/ui/saved-searches/{item['id']}").status_code == 204
    assert client.delete(f"/api/ui/saved-searches/{item['id']}").status_code == 404


def test_clean_query_string_orders_and_filters() -> None:
    assert clean_query_string("?sort=date_desc&junk=1&filter=type:pdf&q=a b") == (
        "q=a+b&filter=type%3Apdf&sort=date_desc"
    )


def test_tree_is_recursive_and_lists_unreadable_attachments(client: TestClient) -> None:
    forwarded = first_hit(client, "filename:attachment_message_rfc822.eml")
    tree = client.get(f"/api/ui/documents/{forwarded['id']}/tree").json()
    assert tree["children"], tree
    assert all({"id", "children", "quarantined"} <= set(child) for child in tree["children"])
    broken = first_hit(client, "filename:attachment_pdf.eml")
    tree = client.get(f"/api/ui/documents/{broken['id']}/tree").json()
    assert any(q["filename"] == "broken.pdf" and q["reason"] for q in tree["quarantined"])
    assert client.get("/api/ui/documents/nope/tree").status_code == 404


def test_pdf_pages_render_as_png(client: TestClient) -> None:
    pdf = first_hit(client, "filename:twopage.pdf")
    page = client.get(f"/api/ui/documents/{pdf['id']}/pages/2.png")
    assert page.status_code == 200
    assert page.headers["content-type"] == "image/png"
    assert page.content.startswith(b"\x89PNG")
    assert client.get(f"/api/ui/documents/{pdf['id']}/pages/3.png").status_code == 404
    assert client.get(f"/api/ui/documents/{pdf['id']}/pages/0.png").status_code == 422
    email = first_hit(client, "filename:reclamo_118.eml")
    assert client.get(f"/api/ui/documents/{email['id']}/pages/1.png").status_code == 400
