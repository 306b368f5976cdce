"""Search by meaning through the API: modes, cross-lingual hits, scope, similar documents."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from core.archive import Archive
from core.catalog import Catalog
from core.document import Document
from core.users import Collections, Users
from nlp.passages import embed_passages
from tests.api._legal_support import PASSWORD, make_doc, store
from tests.support import make_settings

TEXTS = {
    "it-refund": (
        "shop",
        "Ho restituito il pacco il 3 marzo e il rimborso non è ancora arrivato. Rivoglio i miei soldi.",
    ),
    "en-invoice": ("shop", "Invoice 2024-77 for the office paper supply. Payment due within thirty days."),
    "it-ferie": ("shop", "L'ufficio resterà chiuso per ferie dal 10 al 24 agosto."),
    "hr-refund": ("hr", "Il rimborso delle spese di trasferta non è ancora arrivato: restituitemi i soldi."),
}


@dataclass
class World:
    app: object
    docs: dict[str, Document]
    keys: dict[str, str]

    def client(self, who: str) -> TestClient:
        client = TestClient(self.app)  # type: ignore[arg-type]
        client.headers["X-API-Key"] = self.keys[who]
        return client


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    settings = make_settings(tmp_path_factory.mktemp("meaning") / "data", auth_disabled=False)
    settings.ensure_dirs()
    archive = Archive(settings.archive_dir)
    docs = {name: make_doc(archive, f"{name}.txt", source, text) for name, (source, text) in TEXTS.items()}
    embed_passages(list(docs.values()))
    store(settings, [[doc] for doc in docs.values()])
    catalog = Catalog(settings.resolved_catalog_url)
    users = Users(catalog)
    Collections(catalog).set("shop", ["office"])
    Collections(catalog).set("hr", ["hr"])
    keys: dict[str, str] = {}
    for name, groups in (("clerk", ["office"]), ("hrclerk", ["office", "hr"])):
        users.create(name, "staff", groups, PASSWORD, must_change_password=False)
        info = users.get(name)
        assert info is not None
        keys[name] = users.create_api_key(info.id, "tests")[1]
    app = create_app(settings, catalog=catalog)
    with TestClient(app):
        yield World(app, docs, keys)
    catalog.close()


def test_a_sentence_in_english_finds_the_italian_letter(world: World) -> None:
    found = world.client("clerk").get(
        "/api/search", params={"q": "my refund for the returned parcel never came"}
    )
    body = found.json()
    assert found.status_code == 200 and body["mode"] == "hybrid"
    assert "embed;dur=" in found.headers["server-timing"]  # the query's vector has its own stage
    assert body["hits"][0]["id"] == world.docs["it-refund"].id
    assert "rimborso" in body["hits"][0]["highlights"][0]["fragment"]
    assert body["hits"][0]["highlights"][0]["page"] == 1


def test_modes_and_syntax(world: World) -> None:
    clerk = world.client("clerk")
    keyword = clerk.get("/api/search", params={"q": "rimborso"}).json()
    assert keyword["mode"] == "keyword" and [h["id"] for h in keyword["hits"]] == [world.docs["it-refund"].id]
    semantic = clerk.get("/api/search", params={"q": '~"paper invoice"'}).json()
    assert semantic["mode"] == "semantic" and semantic["hits"][0]["id"] == world.docs["en-invoice"].id
    explicit = clerk.get("/api/search", params={"q": "fattura carta", "mode": "semantic"}).json()
    assert explicit["mode"] == "semantic" and explicit["hits"][0]["id"] == world.docs["en-invoice"].id
    assert clerk.get("/api/search", params={"q": '~"x"', "cursor": "WzEsMl0"}).status_code == 400


def test_no_leak_through_similarity(world: World) -> None:
    """The hidden expense claim is the closest in meaning, yet a clerk never sees or counts it."""
    params = {"q": '~"rimborso spese di trasferta"', "facets": "source"}
    clerk = world.client("clerk").get("/api/search", params=params).json()
    hidden = world.docs["hr-refund"].id
    assert hidden not in {h["id"] for h in clerk["hits"]}
    assert {b["value"] for b in clerk["facets"]["source"]} == {"shop"}
    assert clerk["total"] == len(clerk["hits"])
    hr = world.client("hrclerk").get("/api/search", params=params).json()
    assert hr["hits"][0]["id"] == hidden
    similar = world.client("clerk").get(f"/api/documents/{world.docs['it-refund'].id}/similar").json()
    assert hidden not in {h["id"] for h in similar["by_meaning"]}
    assert world.client("clerk").get(f"/api/documents/{hidden}/similar").status_code == 404


def test_similar_documents_by_meaning_cross_languages(world: World) -> None:
    similar = world.client("hrclerk").get(f"/api/documents/{world.docs['it-refund'].id}/similar").json()
    ids = [h["id"] for h in similar["by_meaning"]]
    assert ids[0] == world.docs["hr-refund"].id and world.docs["it-refund"].id not in ids
    document = world.client("clerk").get(f"/api/documents/{world.docs['it-refund'].id}").json()
    assert document["annotations"]["passages"] == []  # vectors stay in the index
