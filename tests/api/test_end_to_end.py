"""The thin path through every stage, on real files: ingest → nlp → index → API."""

from __future__ import annotations

import email
from email import policy
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from api.routes.search import SearchResults
from core.catalog import Catalog
from core.settings import Settings


def search(client: TestClient, q: str, **params: Any) -> dict[str, Any]:
    response = client.get("/api/search", params={"q": q, **params})
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def filenames(result: dict[str, Any]) -> set[str]:
    return {hit["filename"] for hit in result["hits"]}


def test_every_file_is_indexed_or_quarantined(mail_archive: Settings) -> None:
    catalog = Catalog(mail_archive.resolved_catalog_url)
    status = catalog.status()
    assert status.queued == 0 and status.running == 0
    assert status.done > 90
    for job in catalog.jobs("failed", limit=1000):
        assert job.error, f"{job.filename} quarantined without a reason"


def test_phrase_from_udhr_text_finds_the_pdf_with_a_highlight(client: TestClient, corpus: Path) -> None:
    reference = (corpus / "ingest-file" / "udhr_ger.txt").read_text(encoding="utf-8")
    assert "Allgemeine Erklärung der Menschenrechte" in reference
    result = search(client, '"Allgemeine Erklärung der Menschenrechte"')
    assert "udhr_ger.pdf" in filenames(result)
    hit = next(h for h in result["hits"] if h["filename"] == "udhr_ger.pdf")
    assert any("<mark>" in h["fragment"] for h in hit["highlights"])
    text_pages = [h["page"] for h in hit["highlights"] if h["page"] is not None]
    assert text_pages and all(page >= 1 for page in text_pages)


def test_highlight_carries_the_page_number(client: TestClient) -> None:
    result = search(client, "filename:twopage.pdf")
    assert result["total"] == 1
    document = client.get(f"/api/documents/{result['hits'][0]['id']}").json()
    assert [p["text"].strip() for p in document["pages"]] == ["Page one", "Page two"]
    hit = search(client, "two AND filename:twopage.pdf")["hits"][0]
    assert [h["page"] for h in hit["highlights"]] == [2]


def test_attachment_is_a_document_whose_parent_is_the_email(client: TestClient) -> None:
    result = search(client, "filename:attachment_message_rfc822.eml")
    assert result["total"] == 1
    parent_id = result["hits"][0]["id"]
    parent = client.get(f"/api/documents/{parent_id}").json()
    forwarded = [c for c in parent["children"] if c["mime_type"] == "message/rfc822"]
    assert len(forwarded) == 1, parent["children"]
    child = client.get(f"/api/documents/{forwarded[0]['id']}").json()
    assert child["parent"]["id"] == parent_id
    assert search(client, f"parent_id:{parent_id}")["total"] == len(parent["children"])


def test_unreadable_attachment_is_listed_with_its_reason(client: TestClient) -> None:
    parent_id = search(client, "filename:attachment_pdf.eml")["hits"][0]["id"]
    parent = client.get(f"/api/documents/{parent_id}").json()
    broken = [q for q in parent["quarantined_children"] if q["filename"] == "broken.pdf"]
    assert broken and broken[0]["reason"]


def test_subject_from_mail_mikel_found_by_field_query(client: TestClient, corpus: Path) -> None:
    path = corpus / "mail-mikel" / "plain_emails" / "raw_email_reply.eml"
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    subject = str(message["subject"])
    words = [w for w in subject.split() if w.isalpha() and len(w) > 3][:2]
    assert words, subject
    result = search(client, " ".join(f"subject:{w}" for w in words))
    assert "raw_email_reply.eml" in filenames(result)
    # The same words outside the subject field must not match a subject-only query for a made-up word.
    assert search(client, "subject:zzzznotaword")["total"] == 0


def test_and_not_excludes_and_prefix_expands(client: TestClient) -> None:
    both = search(client, "erklärung", limit=100)
    assert both["total"] >= 1
    with_not = search(client, "erklärung AND NOT filename:udhr_ger.pdf", limit=100)
    assert "udhr_ger.pdf" not in filenames(with_not)
    assert with_not["total"] == both["total"] - 1
    prefix = search(client, "menschenrecht*", limit=100)
    assert "udhr_ger.pdf" in filenames(prefix)
    assert search(client, "menschenrecht", limit=100)["total"] <= prefix["total"]


def test_sentiment_metric_weekly_buckets_count_every_document(
    client: TestClient, mail_archive: Settings
) -> None:
    response = client.get("/api/metrics/sentiment", params={"interval": "week"})
    assert response.status_code == 200
    buckets = response.json()["buckets"]
    catalog = Catalog(mail_archive.resolved_catalog_url)
    assert sum(b["count"] for b in buckets) == catalog.count_documents()
    starts = [b["start"] for b in buckets]
    assert starts == sorted(starts)
    everything = search(client, "", limit=0)["total"]
    assert everything == catalog.count_documents()
    for b in buckets:
        assert b["avg_sentiment"] is None or -1.0 <= b["avg_sentiment"] <= 1.0
        assert 0 <= b["complaints"] <= b["count"]


def test_sentiment_metric_in_a_date_range(client: TestClient) -> None:
    params = {"interval": "month", "date_from": "2000-01-01T00:00:00", "date_to": "2010-12-31T23:59:59"}
    buckets = client.get("/api/metrics/sentiment", params=params).json()["buckets"]
    in_range = search(client, "date:[2000-01-01 TO 2010-12-31]", limit=0)["total"]
    assert sum(b["count"] for b in buckets) == in_range


def test_original_is_served_with_type_and_disposition(client: TestClient, corpus: Path) -> None:
    hit = search(client, "filename:udhr_ger.pdf")["hits"][0]
    response = client.get(hit["original_url"])
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert "udhr_ger.pdf" in response.headers["content-disposition"]
    assert response.content == (corpus / "ingest-file" / "udhr_ger.pdf").read_bytes()


def test_bad_query_is_a_400_with_a_position(client: TestClient) -> None:
    response = client.get("/api/search", params={"q": 'subject:"unclosed'})
    assert response.status_code == 400
    assert isinstance(response.json()["error"]["position"], int)


def test_facets_count_the_whole_result(client: TestClient) -> None:
    result = search(client, "", facets="type", limit=1)
    assert sum(b["count"] for b in result["facets"]["type"]) == result["total"]
    email_count = next(b["count"] for b in result["facets"]["type"] if b["value"] == "email")
    assert search(client, "", filter="type:email", limit=0)["total"] == email_count


def test_unknown_document_is_404(client: TestClient) -> None:
    assert client.get("/api/documents/nope").status_code == 404
    assert client.get("/healthz").json() == {"status": "ok"}


def test_cursor_paging_walks_every_hit_once(client: TestClient) -> None:
    everything = search(client, "", sort="date_desc", limit=0)["total"]
    seen: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"sort": "date_desc", "limit": 25, "facets": ""}
        if cursor:
            params["cursor"] = cursor
        page = search(client, "", **params)
        seen += [hit["id"] for hit in page["hits"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == everything
    assert client.get("/api/search", params={"cursor": "not-a-cursor"}).status_code == 400


def test_collapsed_threads_give_one_hit_per_thread(client: TestClient) -> None:
    result = search(client, "type:email", collapse="true", limit=100, facets="")
    threads = [hit["thread_id"] for hit in result["hits"] if hit.get("thread_id")]
    assert len(threads) == len(set(threads))


def test_similar_documents_include_exact_duplicates(client: TestClient) -> None:
    doc_id = search(client, "filename:udhr_ger.pdf")["hits"][0]["id"]
    similar = client.get(f"/api/documents/{doc_id}/similar").json()
    assert set(similar) == {"more_like_this", "duplicates", "near_duplicates", "by_meaning"}
    assert all(hit["id"] != doc_id for hit in similar["more_like_this"])


def test_search_answer_matches_its_model_and_says_where_the_time_went(client: TestClient) -> None:
    response = client.get("/api/search", params={"q": "erklärung", "facets": "type,language"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    answer = SearchResults.model_validate_json(response.content)  # what the OpenAPI schema promises
    assert answer.total >= 1 and answer.hits[0].highlights and set(answer.facets) == {"type", "language"}
    assert "date" in response.json()["hits"][0]  # stored fields travel, dates as ISO text
    items = (item.partition(";") for item in response.headers["server-timing"].split(","))
    stages = {name.strip(): float(duration.removeprefix("dur=")) for name, _, duration in items}
    expected = {"auth", "refresh", "parse", "catalog", "compile", "query", "fetch", "highlight", "facets"}
    assert expected | {"serialise", "audit"} <= set(stages)
    assert all(ms >= 0 for ms in stages.values())
