"""Hostile files leave a record: a FatturaPA with a DTD is refused, skipped tar links are noted.

Both go through the real pipeline (`extract_job`: archive, type detection, extractor)
on real files from the corpus or a tar made here with the standard library.
"""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

from core.archive import Archive
from core.catalog import JobSpec
from core.document import root_id
from core.settings import Settings
from ingest.detect import detect_mime
from ingest.pipeline import extract_job

DTD = b'<!DOCTYPE p:FatturaElettronica [\n  <!ENTITY boom "BOOM">\n]>\n'


def _job(settings: Settings, data: bytes, name: str) -> JobSpec:
    sha = Archive(settings.archive_dir).store_bytes(data)
    return JobSpec(1, sha, name, "test", "", 1)


def test_fatturapa_with_a_dtd_is_quarantined_not_indexed_as_text(settings: Settings, corpus: Path) -> None:
    invoice = sorted((corpus / "italian" / "fatturapa" / "official").glob("*.xml"))[0].read_bytes()
    head, _, body = invoice.partition(b"?>")
    assert body, "the corpus invoice starts with an XML declaration"
    hostile = head + b"?>\n" + DTD + body.lstrip()
    assert detect_mime(hostile, "fattura.xml") == "application/vnd.fatturapa+xml"
    outcome = extract_job(_job(settings, hostile, "fattura.xml"), settings)
    assert outcome.documents == []
    assert outcome.error is not None and outcome.error[0] == "corrupt"
    assert "forbidden XML" in outcome.error[1]
    clean = extract_job(_job(settings, invoice, "fattura-ok.xml"), settings)  # the same invoice, no DTD
    assert clean.error is None and clean.mime_type == "application/vnd.fatturapa+xml"


def test_skipped_tar_link_members_leave_a_quarantine_record(settings: Settings) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        readme = tarfile.TarInfo("docs/readme.txt")
        readme.size = 5
        archive.addfile(readme, io.BytesIO(b"hello"))
        link = tarfile.TarInfo("docs/passwd")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        archive.addfile(link)
        hard = tarfile.TarInfo("docs/hard")
        hard.type, hard.linkname = tarfile.LNKTYPE, "docs/readme.txt"
        archive.addfile(hard)
    job = _job(settings, buffer.getvalue(), "bundle.tar")
    outcome = extract_job(job, settings)
    assert outcome.error is None
    assert [d.filename for d in outcome.documents] == ["bundle.tar", "readme.txt"]
    records = {(q.filename, q.code, q.parent_id) for q in outcome.quarantined}
    assert records == {
        ("passwd", "skipped_member", root_id(job.sha256)),
        ("hard", "skipped_member", root_id(job.sha256)),
    }
    assert all("never followed" in q.reason for q in outcome.quarantined)
