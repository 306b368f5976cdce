"""Fair scheduling, for real: long scans give their slots back, small files do not wait.

Two scans (real scanned page, no text layer) are queued *before* six small real
e-mails, on a real worker process with two slots. Without turns both slots would
hold a scan until its last page and every e-mail would wait behind them; with
``ocr_pages_per_turn`` a scan reads a turn of pages, saves a checkpoint and goes
back to the end of the queue, so every e-mail is indexed before either scan
finishes — and the scans still finish, every page read, no attempt spent on pausing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from core.catalog import Catalog
from core.models import JobRow
from ingest.checkpoint import PageCheckpoint
from ingest.sources import enqueue_paths
from tests.ingest._extract_support import require_tesseract
from tests.processes import faldone_env, run
from tests.scanned_pdf import scanned_pdf
from tests.support import make_settings

pytestmark = pytest.mark.integration

PAGES = 3


def _job(catalog: Catalog, job_id: int) -> JobRow:
    job = catalog.job(job_id)
    assert job is not None
    return job


def test_long_scans_pause_between_turns_so_small_files_go_first(tmp_path: Path, corpus: Path) -> None:
    require_tesseract()
    files = tmp_path / "files"
    files.mkdir()
    scans = []
    for tag in ("a", "b"):
        scan = files / f"scan-{tag}.pdf"
        scan.write_bytes(scanned_pdf(corpus / "ocr" / "phototest.tif", PAGES, tag=tag))
        scans.append(scan)
    mails = sorted((corpus / "mail-mikel" / "plain_emails").glob("*.eml"))[:6]
    settings = make_settings(tmp_path / "data", worker_concurrency=2, ocr_pages_per_turn=1)
    settings.ensure_dirs()
    catalog = Catalog(settings.resolved_catalog_url)
    scan_jobs = enqueue_paths(scans, settings, catalog).job_ids  # first in the queue
    mail_jobs = enqueue_paths(mails, settings, catalog).job_ids
    assert len(scan_jobs) == 2 and len(mail_jobs) == len(mails)

    env = faldone_env(settings.data_dir, FALDONE_WORKER_CONCURRENCY="2", FALDONE_OCR_PAGES_PER_TURN="1")
    done = run(["worker", "--until-empty"], env, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr

    mail_finished = [_job(catalog, i).finished_at for i in mail_jobs]
    scan_finished = [_job(catalog, i).finished_at for i in scan_jobs]
    states = [(_job(catalog, i).state, _job(catalog, i).error) for i in mail_jobs + scan_jobs]
    assert all(state == "done" for state, _ in states), states[-2:]
    assert all(t is not None for t in mail_finished + scan_finished)
    last_mail, first_scan = max(t for t in mail_finished if t), min(t for t in scan_finished if t)
    # One batch's completions share a timestamp (Catalog.complete_many): a scan may end with the last mail.
    assert last_mail <= first_scan, (mail_finished, scan_finished)
    for job_id in scan_jobs:
        job = _job(catalog, job_id)
        assert job.attempts == 1  # pausing is not failing: turns refund their attempt
        assert job.document_id is not None
        doc = catalog.document(job.document_id)
        assert doc is not None and len(doc.pages) == PAGES
        assert all(page.ocr and "12 point text" in page.text for page in doc.pages)
        assert not PageCheckpoint.path(settings, doc.sha256).exists()  # removed once finished
    catalog.close()
