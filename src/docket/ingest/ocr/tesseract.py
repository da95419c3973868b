"""Tesseract 5 (Debian's tesseract-ocr with -chi-sim, -chi-tra, -eng), run as a subprocess.

A subprocess rather than a binding: no compiled Python package to keep in step with the
Debian library, and a crash on a malformed image kills one child, not the worker. The page
goes in as PGM on stdin (no compression, no temporary file); TSV comes back on stdout, with
each word's box and confidence, so lines are built by the same reading-order code as RapidOCR.

Orientation: the pipeline has already decided "sideways or not". Upside down is decided by
reading: first the way the margins suggest (preprocess.looks_upside_down: flush-left text has
its straight edge on the left), and only when the mean word confidence is low (an upright
page scores ~90, an upside-down one ~25) the other way round too, keeping the surer reading.
So a page costs one read unless the margin guess is wrong or silent on a flipped page; a
wrong-way read is the expensive one (~2× an upright read). Tesseract's own OSD (--psm 0)
took ~1 s per A4 page here, on every page.

Threads: OMP_THREAD_LIMIT is always set. Left unset, Tesseract's nested OpenMP regions took
3.5 s on a page that took 1.7 s with the limit at 2 (the cores) and 1.8 s at 1."""

import csv
import io
import os
import shutil
import subprocess
from functools import cache

import numpy as np
from django.utils.translation import gettext_noop as _
from PIL import Image

from docket.core.notices import Notice
from docket.ingest.ocr.base import OcrEngine, OcrUnavailable, Reading
from docket.ingest.ocr.preprocess import looks_upside_down, to_gray
from docket.ingest.ocr.reading import Box, join_line
from docket.ingest.types import IngestError

# chi_sim first: the order breaks ties. eng is left out on purpose: chi_sim already reads
# Latin letters and digits, and with eng loaded Tesseract read short Chinese words such as
# 甲方 as Latin look-alikes ("FAA"); see the benchmark for the numbers.
DEFAULT_LANGUAGES = "chi_sim+chi_tra"
UPRIGHT_CONFIDENCE = 60.0  # mean word confidence below which the page may be upside down
TIMEOUT = 300  # seconds per page: a pathological image must not hold a worker for ever


@cache
def installed_languages() -> frozenset[str]:
    if shutil.which("tesseract") is None:
        return frozenset()
    listing = subprocess.run(
        ["tesseract", "--list-langs"], capture_output=True, text=True, check=False
    )
    return frozenset(line.strip() for line in listing.stdout.splitlines()[1:] if line.strip())


def _pgm(gray: np.ndarray) -> bytes:
    h, w = gray.shape
    return b"P5\n%d %d\n255\n" % (w, h) + np.ascontiguousarray(gray, dtype=np.uint8).tobytes()


def _turned(page: np.ndarray, half_turn: bool) -> np.ndarray:
    return np.ascontiguousarray(page[::-1, ::-1]) if half_turn else page


class TesseractEngine(OcrEngine):
    name = "tesseract"

    def __init__(self, *, languages: str = DEFAULT_LANGUAGES, threads: int | None = None):
        """threads: OpenMP threads inside one tesseract run (None: one per core)."""
        if shutil.which("tesseract") is None:
            raise OcrUnavailable("tesseract is not installed (Debian: tesseract-ocr)")
        missing = set(languages.split("+")) - installed_languages()
        if missing:
            names = ", ".join(f"tesseract-ocr-{m.replace('_', '-')}" for m in sorted(missing))
            raise OcrUnavailable(f"Tesseract language data missing: {names}")
        self.languages = languages
        # Pool workers pass threads=1: two workers × two OpenMP threads would fight for 2 cores.
        limit = threads if threads is not None else (os.cpu_count() or 1)
        self._env = {**os.environ, "OMP_THREAD_LIMIT": str(limit)}

    def _run(self, gray: np.ndarray, output: str, psm: int = 3) -> str:
        """psm 3: a whole page, Tesseract finds the lines; psm 7: the image is one line."""
        command = ["tesseract", "stdin", "stdout", "-l", self.languages, "--psm", str(psm)]
        try:
            done = subprocess.run(
                [*command, *([output] if output else [])],
                input=_pgm(gray),
                capture_output=True,
                env=self._env,
                timeout=TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise IngestError(
                Notice(_("OCR took longer than %(seconds)s seconds on a page"), seconds=TIMEOUT)
            ) from exc
        if done.returncode != 0:
            detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["?"]
            raise IngestError(Notice(_("Tesseract failed on a page: %(detail)s"), detail=detail[0]))
        return done.stdout.decode("utf-8", "replace")

    def _words(self, page: np.ndarray) -> tuple[list[Box], float]:
        """Tesseract's lines as boxes (words joined by the shared spacing rule), and the mean
        word confidence (0..100)."""
        lines = _tsv_lines(self._run(page, "tsv"))
        boxes = []
        confidences = []
        for words in lines.values():
            words.sort(key=lambda b: b.left)
            score = float(np.mean([w.score for w in words]))
            confidences += [w.score for w in words]
            boxes.append(
                Box(
                    min(w.left for w in words),
                    min(w.top for w in words),
                    max(w.right for w in words),
                    max(w.bottom for w in words),
                    join_line(words),
                    score,
                )
            )
        return boxes, 100 * float(np.mean(confidences)) if confidences else 0.0

    def _read(self, page: np.ndarray) -> Reading:
        flipped = bool(looks_upside_down(page))
        boxes, confidence = self._words(_turned(page, flipped))
        if not boxes or confidence >= UPRIGHT_CONFIDENCE:
            return Reading(boxes=boxes, upside_down=flipped)
        other_boxes, other_confidence = self._words(_turned(page, not flipped))
        if other_confidence > confidence:
            return Reading(boxes=other_boxes, upside_down=not flipped)
        return Reading(boxes=boxes, upside_down=flipped)

    def read_words(self, gray: np.ndarray, psm: int = 6) -> list[Box]:
        """Every word Tesseract reads on `gray` as it is (no turning), score 0..1 (Tesseract
        reports 0..100). psm 6: one block of lines; 7: a single line."""
        return [w for words in _tsv_lines(self._run(gray, "tsv", psm=psm)).values() for w in words]

    def raw(self, image: Image.Image) -> str:
        # Plain text, Tesseract's own layout and order; same thread limit as _read, so the
        # benchmark's overhead ratio compares the pipeline, not the OpenMP setting.
        return self._run(to_gray(image), "")


def _tsv_lines(tsv: str) -> dict[tuple[str, ...], list[Box]]:
    """Tesseract's TSV output as its words (score 0..1), grouped by block/paragraph/line."""
    table = csv.reader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    next(table, None)  # header
    lines: dict[tuple[str, ...], list[Box]] = {}
    for row in table:
        if len(row) < 12 or row[0] != "5" or not row[11].strip():
            continue  # level 5 = word; other levels are page/block/paragraph/line
        left, top, width, height = (float(v) for v in row[6:10])
        score = max(float(row[10]), 0.0) / 100
        word = Box(left, top, left + width, top + height, row[11], score)
        lines.setdefault(tuple(row[1:5]), []).append(word)
    return lines
