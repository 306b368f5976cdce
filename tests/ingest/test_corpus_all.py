"""Every file of the real corpus ends indexed or in quarantine with a readable reason.

One real worker (extraction children, OCR, NLP, tantivy) ingests the whole of
``../shared/corpus`` once for this module; the tests then check the outcome of
every job and the text of the files named in the issue. Takes minutes: the
scans are OCRed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.catalog import Catalog
from core.document import Document
from core.models import JobRow
from core.settings import Settings
from index.backend import SearchRequest
from index.backends import open_backend
from ingest.sources import iter_files
from tests.ingest._extract_support import require_tesseract
from tests.support import ingest_into, make_settings

# The module's fixture reads the whole corpus (OCR of every scan and receipt, NLP and passages of
# every text) once; its set-up counts against the first test's time limit.
pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.timeout(1800)]

TIMEOUT_SECONDS = 300
READABLE_CODES = {"unsupported_format", "encrypted", "corrupt", "empty", "limit_exceeded"}
EXPECTED_QUARANTINE = {
    "password-hunter2.pdf": "encrypted",
    "password_protected.xls": "encrypted",
    "password_protected.xlsx": "encrypted",
    "encypted_by_libreoffice.odt": "encrypted",
    "7z_password.7z": "encrypted",
    "empty.pdf": "empty",
    "badzip.zip": "corrupt",
    "badtar.tar": "corrupt",
    "bad7zip.7z": "corrupt",
}
ARCHIVE_MEMBERS = [
    "testEXCEL.xls",
    "testHTML.html",
    "testOpenOffice2.odt",
    "testPDF.pdf",
    "testPPT.ppt",
    "testRTF.rtf",
    "testTXT.txt",
    "testWORD.doc",
    "testXML.xml",
]


class Ingested:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.catalog = Catalog(settings.resolved_catalog_url)
        self.jobs = {job.filename: job for job in self.catalog.jobs(limit=10_000)}

    def job(self, name: str) -> JobRow:
        return self.jobs[name]

    def root(self, name: str) -> Document:
        job = self.job(name)
        assert job.state == "done", f"{name}: {job.state} {job.error_code}: {job.error}"
        document = self.catalog.document(job.document_id or "")
        assert document is not None
        return document

    def text(self, document: Document) -> str:
        return " ".join(" ".join(page.text.split()) for page in document.pages)

    def children(self, name: str) -> dict[str, Document]:
        return {child.filename: child for child in self.catalog.children(self.root(name).id)}


@pytest.fixture(scope="module")
def ingested(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ingested]:
    require_tesseract()
    settings = make_settings(tmp_path_factory.mktemp("corpus") / "data", job_timeout_seconds=TIMEOUT_SECONDS)
    ingest_into(settings, [corpus])
    result = Ingested(settings)
    yield result
    result.catalog.close()


def test_every_file_is_indexed_or_quarantined_with_a_readable_reason(
    ingested: Ingested, corpus: Path
) -> None:
    files = list(iter_files([corpus]))
    assert len(files) > 200
    # identical bytes are one job (dedup by SHA-256): every file name maps to a finished job
    status = ingested.catalog.status()
    assert status.queued == 0 and status.running == 0, status
    unreadable = []
    for job in ingested.jobs.values():
        assert job.state in ("done", "failed"), (job.filename, job.state)
        if job.state != "failed":
            continue
        if job.error_code not in READABLE_CODES or not job.error.strip() or "Traceback" in job.error:
            unreadable.append((job.filename, job.error_code, job.error))
    assert not unreadable, unreadable
    for name, code in EXPECTED_QUARANTINE.items():
        job = ingested.job(name)
        assert (job.state, job.error_code) == ("failed", code), (name, job.error)
    done = [job for job in ingested.jobs.values() if job.state == "done"]
    assert len(done) >= 170


def test_no_worker_death_and_no_job_past_its_time_limit(ingested: Ingested) -> None:
    for job in ingested.jobs.values():
        assert job.error_code not in ("crashed", "timeout", "internal_error"), (job.filename, job.error)
        assert job.started_at is not None and job.finished_at is not None
        # the job's last attempt, extraction plus NLP and indexing of its batch
        assert (job.finished_at - job.started_at).total_seconds() < TIMEOUT_SECONDS + 60, job.filename
    for entry in ingested.catalog.quarantine(10_000):  # attachments and members too
        assert entry.reason.strip() and entry.code in READABLE_CODES, (
            entry.filename,
            entry.code,
            entry.reason,
        )


def test_index_and_catalog_agree(ingested: Ingested) -> None:
    backend = open_backend(ingested.settings, writer=False)
    try:
        result = backend.search(SearchRequest(query="", limit=10_000, highlight=False))
        phrase = backend.search(SearchRequest(query='"Allgemeine Erklärung der Menschenrechte"', limit=10))
    finally:
        backend.close()
    ids = [hit.id for hit in result.hits]
    assert len(ids) == len(set(ids)) == result.total == ingested.catalog.count_documents()
    assert "udhr_ger.pdf" in {hit.fields.get("filename") for hit in phrase.hits}


def test_digital_pdf_keeps_its_text_layer(ingested: Ingested) -> None:
    document = ingested.root("udhr_ger.pdf")
    assert "Allgemeine Erklärung der Menschenrechte" in ingested.text(document)
    assert len(document.pages) == 6 and not any(page.ocr for page in document.pages)


@pytest.mark.parametrize(
    ("name", "phrase", "pages"),
    [
        ("jbig2.pdf", "ImageMagick", 5),
        ("greek.pdf", "HOLDINGS", 2),
        ("multipage_tiff_example.tif", "Multipage TIFF Example", 10),
        ("phototest.tif", "The quick brown dog jumped over the lazy fox", 1),
        ("phototest-rotated-180.png", "The quick brown dog jumped over the lazy fox", 1),
        ("phototest-rotated-R.png", "The quick brown dog jumped over the lazy fox", 1),
        ("hello_world_tiff.tif", "HELLO WORLD", 1),
    ],
)
def test_scans_are_read_by_ocr(ingested: Ingested, name: str, phrase: str, pages: int) -> None:
    document = ingested.root(name)
    assert len(document.pages) == pages
    assert document.pages[0].ocr and document.pages[0].confidence is not None
    assert phrase in ingested.text(document)


def test_multipage_tiff_keeps_page_numbers(ingested: Ingested) -> None:
    document = ingested.root("multipage_tiff_example.tif")
    numbered = [f"Page {page.number}" in page.text for page in document.pages]
    assert [page.number for page in document.pages] == list(range(1, 11))
    assert sum(numbered) >= 9  # tesseract reads this font's "7" as "/"


def test_outlook_messages(ingested: Ingested) -> None:
    fnf = ingested.root("fnf.msg")
    assert "Sehr geehrter Herr Gehrke" in ingested.text(fnf)
    assert fnf.email is not None
    images = [
        child for child in ingested.children("fnf.msg").values() if child.mime_type.startswith("image/")
    ]
    # OCR of an inline image
    assert any("Innovationskongress 2017" in ingested.text(child) for child in images)
    piste = ingested.root("piste.msg")
    assert "GMX Magazin" in ingested.text(piste)


def test_small_print_of_an_inline_image(ingested: Ingested) -> None:
    """The 824x404 banner of fnf.msg (white print on colour, ~17 px characters) is read as it is."""
    images = [
        child for child in ingested.children("fnf.msg").values() if child.mime_type.startswith("image/")
    ]
    assert any("Microsoft Atrium" in ingested.text(child) for child in images)


def test_mbox_messages_are_children(ingested: Ingested) -> None:
    children = ingested.children("plan.mbox")
    assert children
    assert any(
        "I do not know you and do not understand you" in ingested.text(child) for child in children.values()
    )


@pytest.mark.parametrize("name", ["test-documents.zip", "test-documents.tar"])
def test_archive_members_are_documents(ingested: Ingested, name: str) -> None:
    children = ingested.children(name)
    quarantined = {q.filename for q in ingested.catalog.quarantine_for(ingested.root(name).id)}
    assert set(children) | quarantined == set(ARCHIVE_MEMBERS)
    assert {"testPDF.pdf", "testTXT.txt", "testWORD.doc", "testHTML.html"} <= set(children)
    assert "Test d'indexation" in ingested.text(children["testTXT.txt"])
    assert children["testPDF.pdf"].parent_id == ingested.root(name).id


def test_7z_member(ingested: Ingested) -> None:
    children = ingested.children("500_pages.7z")
    member = children["500 pages.pdf"]
    assert len(member.pages) == 500 and "Hello, World!" in member.pages[499].text
    assert not any(page.ocr for page in member.pages)  # text and frame only: nothing for OCR to read


def test_a_date_in_the_year_3609_is_ignored_with_a_warning(ingested: Ingested) -> None:
    job = ingested.job("raw_email_bad_time.eml")
    assert job.state == "done", job.error
    doc = ingested.root("raw_email_bad_time.eml")
    assert doc.date is None
    assert any("implausible date" in warning for warning in doc.warnings)
