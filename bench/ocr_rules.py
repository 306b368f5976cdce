"""bench/ocr_rules: the measurements behind ingest/ocr.py's hand-over and retry rules.

Usage: .venv/bin/python bench/ocr_rules.py [--reads 8] [--corpus ../shared/corpus]

1. Hand-over: tesseract CPU seconds (``getrusage`` of the children) for one A4
   page at 300 dpi (page 1 of jbig2.pdf, 3196×4567), read ``--reads`` times each
   way, interleaved: from stdin as PNM (the old way), from a PGM file, from a
   PNG file, and from an uncompressed TIFF in a memory file (Faldone's way).
   Prints the median per way and whether every way produced the same words.
2. Retry: clean pages of the corpus and degraded copies of them (salt-and-pepper
   1% and 4%, Gaussian grain σ=50, low contrast, JPEG quality 8, blur, a third
   of the resolution). For each: the speckle share `_is_speckled` looks at, the
   first pass's confidence, the cleaned pass's confidence, and what Faldone does.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageFilter

from ingest import ocr
from ingest.ocr_prepare import measure

LANGUAGES = "ita+eng"


def render(pdf_path: Path, index: int = 0, scale: float = 300 / 72) -> Image.Image:
    pdf = pdfium.PdfDocument(pdf_path)
    try:
        image: Image.Image = pdf[index].render(scale=scale, grayscale=True).to_pil()
        return image
    finally:
        pdf.close()


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def hand_over(page: Image.Image, reads: int) -> tuple[dict[str, float], bool]:
    """Median tesseract CPU seconds per way of handing `page` over, and whether all read the same."""
    binary = shutil.which("tesseract") or "tesseract"
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    options = ["stdout", "-l", LANGUAGES, "--psm", "1", "tsv"]
    ppm = io.BytesIO()
    page.save(ppm, format="PPM")
    cpu: dict[str, list[float]] = {"stdin_pnm": [], "pgm_file": [], "png_file": [], "memfd_tiff": []}
    outputs: set[bytes] = set()
    with tempfile.TemporaryDirectory() as tmp:
        pgm, png = Path(tmp) / "page.pgm", Path(tmp) / "page.png"
        page.save(pgm)
        page.save(png)
        for _ in range(reads):
            for way in cpu:
                before = children_cpu()
                if way == "memfd_tiff":
                    with ocr._image_file(page) as (path, fds, _stdin):
                        done = subprocess.run(
                            [binary, path, *options], capture_output=True, env=env, pass_fds=fds, check=True
                        )
                else:
                    source = {"stdin_pnm": "stdin", "pgm_file": str(pgm), "png_file": str(png)}[way]
                    stdin = ppm.getvalue() if way == "stdin_pnm" else None
                    done = subprocess.run(
                        [binary, source, *options], input=stdin, capture_output=True, env=env, check=True
                    )
                cpu[way].append(children_cpu() - before)
                outputs.add(done.stdout)
    return {way: round(statistics.median(values), 3) for way, values in cpu.items()}, len(outputs) == 1


def degraded(corpus: Path) -> list[tuple[str, Image.Image]]:
    rng = np.random.default_rng(1)

    def salt_and_pepper(image: Image.Image, share: float) -> Image.Image:
        values = np.asarray(image).copy()
        noise = rng.random(values.shape)
        values[noise < share / 2] = 0
        values[noise > 1 - share / 2] = 255
        return Image.fromarray(values)

    def grain(image: Image.Image, sigma: float) -> Image.Image:
        values = np.asarray(image).astype(float) + rng.normal(0, sigma, (image.height, image.width))
        return Image.fromarray(np.clip(values, 0, 255).astype(np.uint8))

    def low_contrast(image: Image.Image) -> Image.Image:
        return Image.fromarray((110 + np.asarray(image).astype(float) * 50 / 255).astype(np.uint8))

    def jpeg(image: Image.Image) -> Image.Image:
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=8)
        return Image.open(io.BytesIO(buffer.getvalue())).convert("L")

    bases = {
        "udhr_ger.pdf p1": render(corpus / "ingest-file/udhr_ger.pdf"),
        "01124548.pdf p1": render(corpus / "italian/letters/01124548.pdf"),
        "phototest.tif": Image.open(corpus / "ocr/phototest.tif").convert("L"),
    }
    pages = [("greek.pdf p1", render(corpus / "ingest-file/greek.pdf"))]
    for name, base in bases.items():
        pages += [
            (name, base),
            (f"{name} salt-and-pepper 1%", salt_and_pepper(base, 0.01)),
            (f"{name} salt-and-pepper 4%", salt_and_pepper(base, 0.04)),
            (f"{name} grain σ50", grain(base, 50)),
            (f"{name} low contrast", low_contrast(base)),
            (f"{name} JPEG q8", jpeg(base)),
            (f"{name} blur", base.filter(ImageFilter.GaussianBlur(2))),
            (f"{name} 1/3 resolution", base.resize((base.width // 3, base.height // 3))),
        ]
    return pages


def retry_row(item: tuple[str, Image.Image]) -> dict[str, object]:
    name, gray = item
    layout = measure(gray)
    first = ocr._tesseract(ocr._prepare(gray, layout)[0], LANGUAGES)
    second = ocr._tesseract(ocr._prepare(ocr._clean(gray), layout)[0], LANGUAGES)
    return {
        "page": name,
        "speckle": round(ocr._speckle_share(gray), 4),
        "first_confidence": round(first.confidence or 0.0, 1),
        "first_chars": len(first.text.strip()),
        "cleaned_confidence": round(second.confidence or 0.0, 1),
        "faldone_retries": ocr._needs_retry(first, gray, layout.text_height),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reads", type=int, default=8)
    parser.add_argument(
        "--corpus", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "corpus"
    )
    args = parser.parse_args()
    os.environ["OMP_THREAD_LIMIT"] = "1"
    medians, same = hand_over(render(args.corpus / "ingest-file/jbig2.pdf"), args.reads)
    with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        rows = list(pool.map(retry_row, degraded(args.corpus)))
    report = {"bench": "ocr_rules", "reads": args.reads, "median_cpu_s": medians, "same_output": same}
    print(json.dumps({**report, "retry": rows}, indent=2))
    print()
    print(f"| way the page reaches tesseract ({args.reads} reads each, same output: {same}) | median CPU s |")
    print("|---|---|")
    for way, value in medians.items():
        print(f"| {way} | {value:.3f} |")
    print()
    print("| page | speckle | 1st pass conf. | chars | cleaned conf. | Faldone retries |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['page']} | {row['speckle']:.2%} | {row['first_confidence']} | {row['first_chars']} "
            f"| {row['cleaned_confidence']} | {'yes' if row['faldone_retries'] else 'no'} |"
        )


if __name__ == "__main__":
    main()
