"""The review queue: least sure first, corrected documents leave it, a user's scope is kept."""

from __future__ import annotations

from core.catalog import Catalog, JobSpec
from core.corrections import add_correction
from core.document import Annotations, Document, Page
from core.settings import Settings
from nlp.review import review_queue, thresholds, uncertainty


def store(
    catalog: Catalog, doc_id: str, probability: float, *, language: str = "it", source: str = "mail"
) -> None:
    """A scored document in the catalog, as the worker leaves it."""
    threshold, _ = thresholds()
    doc = Document(
        id=doc_id.ljust(32, "0"),
        sha256=doc_id.ljust(64, "0"),
        filename=f"{doc_id}.txt",
        mime_type="text/plain",
        size=10,
        source=source,
        root_id=doc_id.ljust(32, "0"),
        pages=[Page(number=1, text=f"Testo del documento {doc_id}.")],
        annotations=Annotations(
            language=language, complaint=probability >= threshold, complaint_probability=probability
        ),
    )
    job_id, _ = catalog.enqueue(doc.sha256, doc.filename, source)
    catalog.complete(JobSpec(job_id, doc.sha256, doc.filename, source, "", 1), [doc], [], "text/plain")


def test_uncertainty_is_zero_at_the_threshold_and_grows_away_from_it() -> None:
    assert uncertainty(0.4, 0.4) == 0.0
    assert uncertainty(0.5, 0.4) < uncertainty(0.9, 0.4)
    assert uncertainty(0.3, 0.4) < uncertainty(0.01, 0.4)


def test_queue_orders_least_sure_first_and_drops_corrected(settings: Settings) -> None:
    catalog = Catalog(settings.resolved_catalog_url)
    threshold, _ = thresholds()
    probabilities = {
        "far-no": threshold / 20,
        "far-yes": 1 - (1 - threshold) / 1000,
        "close": threshold + 0.01,
        "near": threshold - 0.08,
    }
    for name, p in probabilities.items():
        store(catalog, name, p)
    store(catalog, "english", threshold + 0.02, language="en", source="other")
    items, considered = review_queue(catalog, limit=3)
    assert considered == 5
    assert [i.id.rstrip("0") for i in items] == ["close", "english", "near"]
    assert items[0].snippet.startswith("Testo del documento close")

    add_correction(catalog, items[0].id, "complaint", True, "quality")
    items, considered = review_queue(catalog, limit=3)
    assert considered == 4 and [i.id.rstrip("0") for i in items] == ["english", "near", "far-no"]

    only_it, _ = review_queue(catalog, limit=10, language="it")
    assert {i.language for i in only_it} == {"it"}
    scoped, _ = review_queue(catalog, limit=10, sources=["other"])
    assert [i.id.rstrip("0") for i in scoped] == ["english"]
    catalog.close()
