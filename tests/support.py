"""Helpers shared by test packages: fresh settings and a real ingest run."""

from __future__ import annotations

from pathlib import Path

from core.catalog import Catalog
from core.settings import Settings
from index.backends import open_backend
from ingest.sources import enqueue_paths
from ingest.worker import Worker


def make_settings(folder: Path, **overrides: object) -> Settings:
    """Settings whose data lives under `folder`, ignoring any .env file.

    Authentication is off unless a test asks for it (`auth_disabled=False`): the
    authorization tests walk every endpoint with every role themselves. NLP runs in the
    worker's thread unless a test asks for processes (`nlp_processes=2`): the default, one
    process per core, would start and load models for every test's worker.
    """
    values: dict[str, object] = {
        "worker_concurrency": 2,
        "nlp_processes": 1,
        "auth_disabled": True,
        **overrides,
    }
    return Settings(data_dir=folder, _env_file=None, **values)  # type: ignore[call-arg, arg-type]


def run_worker(settings: Settings) -> None:
    """Process the whole queue with one real worker (extraction children, NLP, index)."""
    settings.ensure_dirs()
    catalog = Catalog(settings.resolved_catalog_url)
    backend = open_backend(settings, writer=True)
    try:
        Worker(settings, catalog, backend).run(until_empty=True)
    finally:
        backend.close()
        catalog.close()


def ingest_into(settings: Settings, paths: list[Path]) -> list[int]:
    """Queue `paths` and run a worker until the queue is empty; returns the job ids."""
    settings.ensure_dirs()
    catalog = Catalog(settings.resolved_catalog_url)
    report = enqueue_paths(paths, settings, catalog)
    catalog.close()
    run_worker(settings)
    return report.job_ids
