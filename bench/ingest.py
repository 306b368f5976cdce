"""bench/ingest: documents per second through the whole pipeline on a mixed corpus.

Usage: .venv/bin/python bench/ingest.py [--runs 3] [--corpus ../shared/corpus] [--case mixed|container|mail]

``--case container`` runs `bench/ingest_container.py` instead: an archive of many large
identical and near-identical texts ahead of the same corpus, for the worker's memory
and whether its extraction slots stay busy while NLP works. ``--case mail`` runs
`bench/ingest_mail.py`: a Maildir of ≥ 10,000 real public messages (a cache outside the
repository, see `bench/mail_corpus.py`), messages/s, CPU per stage and the cores' busy share;
arguments after ``--`` go to it (``bench/ingest.py --case mail -- --messages 2000``).

Each run starts from an empty data folder, queues the digital files and e-mails of
the corpus (mail-mikel, and the e-mail, text, HTML and digital PDF files of
ingest-file), runs one worker until the queue is empty (models loaded and the extraction
children started before the clock, as in a running worker), and times it. Prints the
median over runs of files/s and documents/s (attachments included).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.catalog import Catalog
from core.settings import Settings
from index.backends import open_backend
from ingest.sources import enqueue_paths
from ingest.worker import Worker
from nlp.embedding import forget_recent

DIGITAL_SUFFIXES = {".eml", ".txt", ".html", ".csv", ".json", ".mbox", ".emlx"}
DIGITAL_PDFS = {"udhr_ger.pdf", "twopage.pdf", "example.pdf", "readme.pdf", "the-dorset-food-menu.pdf"}


def mixed_corpus(corpus: Path) -> list[Path]:
    files = sorted((corpus / "mail-mikel").rglob("*.eml"))
    for path in sorted((corpus / "ingest-file").iterdir()):
        if path.is_file() and (path.suffix.lower() in DIGITAL_SUFFIXES or path.name in DIGITAL_PDFS):
            files.append(path)
    return files


def one_run(files: list[Path]) -> tuple[float, int, int]:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp) / "data", _env_file=None)  # type: ignore[call-arg]
        settings.ensure_dirs()
        catalog = Catalog(settings.resolved_catalog_url)
        backend = open_backend(settings, writer=True)
        worker = Worker(settings, catalog, backend)
        worker.annotator.load_models()  # before the clock starts, as in a running worker,
        forget_recent()  # passages an earlier run of this process embedded are encoded again
        worker.pool.start()  # and so are the extraction children
        start = time.perf_counter()
        enqueue_paths(files, settings, catalog)
        worker.run(until_empty=True)
        elapsed = time.perf_counter() - start
        documents = catalog.count_documents()
        backend.close()
        return elapsed, len(files), documents


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--corpus", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "corpus"
    )
    parser.add_argument("--case", choices=("mixed", "container", "mail"), default="mixed")
    args, rest = parser.parse_known_args()
    if args.case == "mail":
        script = Path(__file__).with_name("ingest_mail.py")
        extra = [a for a in rest if a != "--"]
        command = [sys.executable, str(script), "--runs", str(args.runs), *extra]
        raise SystemExit(subprocess.run(command, check=False).returncode)
    if rest:
        parser.error(f"unrecognised arguments: {' '.join(rest)}")
    if args.case == "container":
        script = Path(__file__).with_name("ingest_container.py")
        command = [sys.executable, str(script), "--runs", str(args.runs), "--corpus", str(args.corpus)]
        raise SystemExit(subprocess.run(command, check=False).returncode)
    files = mixed_corpus(args.corpus)
    runs = [one_run(files) for _ in range(args.runs)]
    files_per_s = statistics.median(n / t for t, n, _ in runs)
    docs_per_s = statistics.median(d / t for t, _, d in runs)
    print(
        json.dumps(
            {
                "bench": "ingest",
                "files": len(files),
                "documents": runs[0][2],
                "runs": args.runs,
                "seconds": [round(t, 2) for t, _, _ in runs],
                "median_files_per_s": round(files_per_s, 1),
                "median_docs_per_s": round(docs_per_s, 1),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
