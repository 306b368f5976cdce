"""The job queue: dedup, atomic claims, leases, retries with backoff, quarantine."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, select, update

from core.catalog import Catalog, QuarantineEntry, utcnow
from core.document import Document, root_id, source_copy_id
from core.models import DocumentRow, DocumentSourceRow, JobRow
from core.settings import Settings
from tests.conformance.corpus import make_document


@pytest.fixture(params=["sqlite", "postgresql"])
def catalog_url(request: pytest.FixtureRequest, settings: Settings) -> str:
    if request.param == "sqlite":
        return settings.resolved_catalog_url
    url: str = request.getfixturevalue("postgres_url")
    return url


_open: list[Catalog] = []


def make_catalog(url: str) -> Catalog:
    catalog = Catalog(url)
    _open.append(catalog)
    return catalog


@pytest.fixture(autouse=True)
def _close_catalogs() -> Iterator[None]:
    yield
    while _open:
        _open.pop().close()


def test_sqlite_is_in_wal_mode(settings: Settings) -> None:
    catalog = make_catalog(settings.resolved_catalog_url)
    with catalog.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_enqueue_dedups_by_hash(catalog_url: str) -> None:
    catalog = make_catalog(catalog_url)
    first, new = catalog.enqueue("a" * 64, "a.txt", "cli")
    again, new_again = catalog.enqueue("a" * 64, "copy.txt", "cli")
    assert new and not new_again and first == again


def test_claims_do_not_overlap(catalog_url: str) -> None:
    catalog = make_catalog(catalog_url)
    for i in range(5):
        catalog.enqueue(f"{i:064x}", f"{i}.txt", "cli")
    one = catalog.claim("w1", 3, 60)
    two = catalog.claim("w2", 3, 60)
    assert len(one) == 3 and len(two) == 2
    assert not {j.id for j in one} & {j.id for j in two}
    assert catalog.claim("w3", 3, 60) == []


def test_expired_lease_is_claimed_again(catalog_url: str) -> None:
    catalog = make_catalog(catalog_url)
    catalog.enqueue("b" * 64, "b.txt", "cli")
    (job,) = catalog.claim("dead-worker", 1, 60)
    with catalog.session() as s, s.begin():
        s.execute(update(JobRow).values(lease_until=utcnow() - timedelta(seconds=1)))
    (again,) = catalog.claim("w2", 1, 60)
    assert again.id == job.id and again.attempts == 2


def test_claim_takes_expired_leases_and_queued_jobs_oldest_first(catalog_url: str) -> None:
    catalog = make_catalog(catalog_url)
    start = utcnow() - timedelta(minutes=10)
    ids = [catalog.enqueue(f"{i:064x}", f"{i}.txt", "cli")[0] for i in range(4)]
    with catalog.session() as s, s.begin():  # queued one minute apart, in the order of their ids
        for minute, job_id in enumerate(ids):
            s.execute(
                update(JobRow)
                .where(JobRow.id == job_id)
                .values(available_at=start + timedelta(minutes=minute))
            )
    dead = {job.id for job in catalog.claim("dead-worker", 2, 60)}
    assert dead == set(ids[:2])
    with catalog.session() as s, s.begin():  # the second job's worker died; the first one's lives
        s.execute(
            update(JobRow).where(JobRow.id == ids[1]).values(lease_until=utcnow() - timedelta(seconds=1))
        )
        # a resumed job queues again behind the others (its `available_at` is its resume time)
        s.execute(update(JobRow).where(JobRow.id == ids[2]).values(available_at=utcnow()))
    assert [job.id for job in catalog.claim("w", 1, 60)] == [ids[1]]  # expired, older than ids[3]
    assert [job.id for job in catalog.claim("w", 1, 60)] == [ids[3]]
    assert [job.id for job in catalog.claim("w", 5, 60)] == [ids[2]]


def test_a_claim_does_not_read_the_whole_queue(settings: Settings) -> None:
    """SQLite's virtual-machine steps for one claim: the same with 100 and with 5,000 jobs queued
    (a claim that sorted every runnable job cost 1.5 ms with 200 queued and 7.4 ms with 14,000)."""
    catalog = make_catalog(settings.resolved_catalog_url)
    steps = [0]

    def count_steps(dbapi_connection: Any, _record: Any) -> None:
        def step() -> int:
            steps[0] += 1
            return 0

        dbapi_connection.set_progress_handler(step, 10)

    catalog.engine.dispose()
    event.listen(catalog.engine, "connect", count_steps)

    def queue(count: int) -> None:
        now = utcnow()
        with catalog.session() as s, s.begin():
            s.add_all(
                JobRow(
                    sha256=f"{count:08x}{i:056x}",
                    filename=f"{i}.eml",
                    source="cli",
                    state="queued",
                    attempts=0,
                    available_at=now,
                    created_at=now,
                )
                for i in range(count)
            )

    def cost_of_a_claim() -> int:
        before = steps[0]
        assert len(catalog.claim("w", 4, 60)) == 4
        return steps[0] - before

    queue(100)
    small = min(cost_of_a_claim() for _ in range(3))
    queue(4_900)
    large = min(cost_of_a_claim() for _ in range(3))
    assert large < 1.5 * small, (small, large)


def _with_children(root: str, children: int, title: str = "") -> list[Document]:
    docs = [make_document(root, ["a letter of enough words to be a document"], title=title)]
    for n in range(children):
        child = make_document(f"{root}-{n}", [f"attachment {n}"], title=title)
        docs.append(replace(child, root_id=root, parent_id=root))
    return docs


def test_complete_many_replaces_each_roots_documents_and_records_quarantine(catalog_url: str) -> None:
    catalog = make_catalog(catalog_url)
    for i in range(2):
        catalog.enqueue(f"{i:064x}", f"{i}.eml", "cli")
    first, second = catalog.claim("w", 2, 60)
    catalog.complete(first, _with_children("r1", 2, title="old"), [], "message/rfc822")
    broken = QuarantineEntry("f" * 64, "x.zip", "application/zip", "corrupt", "bad zip", parent_id="r2")
    again = replace(first, attempts=2)  # extracted anew: one attachment fewer, a new title
    catalog.complete_many(
        [
            (again, _with_children("r1", 1, title="new"), [], "message/rfc822"),
            (second, _with_children("r2", 0), [broken], "message/rfc822"),
        ]
    )
    with catalog.session() as s:
        titles = {doc_id: title for doc_id, title in s.execute(select(DocumentRow.id, DocumentRow.title))}
    assert titles == {"r1": "new", "r1-0": "new", "r2": ""}
    assert [doc.id for doc in catalog.children("r1")] == ["r1-0"]
    assert [row.reason for row in catalog.quarantine_for("r2")] == ["bad zip"]
    jobs = {job.id: job for job in catalog.jobs(state="done")}
    assert jobs[first.id].documents == 2 and jobs[second.id].documents == 1
    assert jobs[second.id].document_id == "r2" and catalog.status().quarantined == 1
    catalog.complete_many([(second, _with_children("r2", 0), [], "message/rfc822")])
    assert catalog.quarantine_for("r2") == []


def test_failure_retries_then_quarantines(catalog_url: str) -> None:
    catalog = make_catalog(catalog_url)
    catalog.enqueue("c" * 64, "c.pdf", "cli")
    (job,) = catalog.claim("w", 1, 60)
    catalog.fail(job, "timeout", "too slow", retry_in=3600)
    assert catalog.claim("w", 1, 60) == []  # backing off
    assert catalog.status().queued == 1
    catalog.fail(job, "corrupt", "not a PDF", retry_in=None)
    status = catalog.status()
    assert status.failed == 1 and status.quarantined == 1
    assert catalog.quarantine()[0].reason == "not a PDF"
    assert catalog.retry(mime_prefix=None) == 1
    assert catalog.status().queued == 1


def test_concurrent_claims_never_share_a_job(catalog_url: str) -> None:
    catalog = make_catalog(catalog_url)
    for i in range(60):
        catalog.enqueue(f"{i:064x}", f"{i}.txt", "cli")

    def drain(worker: str) -> list[int]:
        mine = Catalog(catalog_url)
        taken: list[int] = []
        while batch := mine.claim(worker, 2, 60):
            taken += [job.id for job in batch]
        mine.close()
        return taken

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(drain, ["w1", "w2", "w3", "w4"]))
    every = [job_id for taken in results for job_id in taken]
    assert sorted(every) == sorted(set(every))
    assert len(every) == 60


def test_schema_is_at_the_newest_migration(catalog_url: str) -> None:
    from alembic.script import ScriptDirectory

    from core.migrations import alembic_config

    catalog = make_catalog(catalog_url)
    head = ScriptDirectory.from_config(alembic_config(catalog.engine)).get_current_head()
    with catalog.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == head


def test_a_sources_own_copy_of_known_bytes_gets_a_document_id_of_its_own(catalog_url: str) -> None:
    catalog = make_catalog(catalog_url)
    sha = "ab" * 32
    original, _ = catalog.enqueue(sha, "stipendi.txt", "hr")
    copy = catalog.enqueue_own_copy(sha, "mia-copia.txt", "upload")
    again = catalog.enqueue_own_copy(sha, "mia-copia.txt", "upload")  # a new job, the same document
    assert len({original, copy, again}) == 3
    claimed = {job.id: job for job in catalog.claim("w", 10, 60)}
    assert claimed[original].document_id == root_id(sha)
    assert claimed[copy].document_id == claimed[again].document_id == source_copy_id(sha, "upload")
    assert source_copy_id(sha, "upload") not in (root_id(sha), source_copy_id(sha, "hr"))
    # a source that holds the bytes itself keeps their id: no second document of its own
    catalog.enqueue_own_copy(sha, "stipendi.txt", "hr")
    with catalog.session() as s:
        assert [r.source for r in s.scalars(select(DocumentSourceRow))] == ["upload"]


def test_the_same_own_copy_queued_at_once_is_recorded_once(catalog_url: str) -> None:
    catalog = make_catalog(catalog_url)
    sha = "cd" * 32
    catalog.enqueue(sha, "stipendi.txt", "hr")
    with ThreadPoolExecutor(4) as pool:
        jobs = list(pool.map(lambda _: catalog.enqueue_own_copy(sha, "copia.txt", "upload"), range(4)))
    assert len(set(jobs)) == 4
    with catalog.session() as s:
        recorded = [r.document_id for r in s.scalars(select(DocumentSourceRow))]
    assert recorded == [source_copy_id(sha, "upload")]
