"""The job queue: dedup, atomic claims, leases, retries with backoff, quarantine."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from core.catalog import Catalog, utcnow
from core.models import JobRow
from core.settings import Settings


def make_catalog(settings: Settings) -> Catalog:
    return Catalog(settings.resolved_catalog_url)


def test_sqlite_is_in_wal_mode(settings: Settings) -> None:
    catalog = make_catalog(settings)
    with catalog.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_enqueue_dedups_by_hash(settings: Settings) -> None:
    catalog = make_catalog(settings)
    first, new = catalog.enqueue("a" * 64, "a.txt", "cli")
    again, new_again = catalog.enqueue("a" * 64, "copy.txt", "cli")
    assert new and not new_again and first == again


def test_claims_do_not_overlap(settings: Settings) -> None:
    catalog = make_catalog(settings)
    for i in range(5):
        catalog.enqueue(f"{i:064x}", f"{i}.txt", "cli")
    one = catalog.claim("w1", 3, 60)
    two = catalog.claim("w2", 3, 60)
    assert len(one) == 3 and len(two) == 2
    assert not {j.id for j in one} & {j.id for j in two}
    assert catalog.claim("w3", 3, 60) == []


def test_expired_lease_is_claimed_again(settings: Settings) -> None:
    catalog = make_catalog(settings)
    catalog.enqueue("b" * 64, "b.txt", "cli")
    (job,) = catalog.claim("dead-worker", 1, 60)
    with catalog.session() as s, s.begin():
        s.execute(update(JobRow).values(lease_until=utcnow() - timedelta(seconds=1)))
    (again,) = catalog.claim("w2", 1, 60)
    assert again.id == job.id and again.attempts == 2


def test_failure_retries_then_quarantines(settings: Settings) -> None:
    catalog = make_catalog(settings)
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
