"""Checkpoints of long scans: the pages read so far, so a scan gives its slot back.

A PDF with more pages to OCR than ``ocr_pages_per_turn`` is read in turns: each
turn OCRs that many pages, saves every page read so far here and raises
`Unfinished`; the worker puts the job back at the end of the queue (without
counting an attempt), so small files submitted meanwhile go first, and the next
turn starts where this one stopped. The text layer is read once, on the first turn.

Checkpoints are keyed by the SHA-256 of the PDF (its archive name), so a long
scan inside an archive or an e-mail resumes the same way. A finished scan
removes its checkpoint.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from core.document import Page
from core.settings import Settings

__all__ = ["PageCheckpoint"]


@dataclass
class PageCheckpoint:
    pages: list[Page]
    remaining: list[int]  # 0-based indexes of the pages still to OCR

    @staticmethod
    def path(settings: Settings, sha256: str) -> Path:
        return settings.data_dir / "checkpoints" / f"{sha256}.json"

    @classmethod
    def load(cls, settings: Settings, sha256: str) -> PageCheckpoint | None:
        try:
            data = json.loads(cls.path(settings, sha256).read_text(encoding="utf-8"))
            pages = [
                Page(p["number"], p["text"], ocr=p["ocr"], confidence=p["confidence"]) for p in data["pages"]
            ]
            return cls(pages, [int(i) for i in data["remaining"]])
        except (OSError, ValueError, KeyError, TypeError):
            return None  # none, or unreadable: start over (a turn is cheap to redo)

    def save(self, settings: Settings, sha256: str) -> None:
        target = self.path(settings, sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        pages = [
            {"number": p.number, "text": p.text, "ocr": p.ocr, "confidence": p.confidence} for p in self.pages
        ]
        temporary = target.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps({"pages": pages, "remaining": self.remaining}), encoding="utf-8")
        temporary.replace(target)  # atomic: a turn killed mid-write leaves the previous checkpoint

    @classmethod
    def remove(cls, settings: Settings, sha256: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            cls.path(settings, sha256).unlink()
