"""A second opinion per line: lines where RapidOCR is unsure of a Chinese character are cut
out of the levelled page and read again by Tesseract (chi_tra+chi_sim; all of a page's weak
lines stacked into one image, one run); per line, the reading with the higher confidence, on
a common 0..1 scale, is kept.

Why: RapidOCR's shipped dictionary lacks some traditional characters (簽, 規, 責, 違, 驗 …);
on a line that holds one it writes a simplified form or a look-alike with a low probability
(規 -> 规, 違 -> 達), or drops it and is unsure of its neighbours. Tesseract's chi_tra knows
them. Measured per line on 12 rendered A4 pages at 300 dpi (the benchmark's 19-line pages, 3
of them traditional), clean and noisy:

- Trigger. RapidOCR's line score (mean character probability) mixes in punctuation and ¥: the
  simplified 乙方（盖章）： scored 0.90 on clean pages and noisy 合同金额：￥… 0.93, as low as
  misread traditional lines (0.81-0.97). The lowest probability among the line's Han characters
  separates them on those pages: every misread traditional line had one at 0.91 or below, every
  simplified line 0.94 or above (the noisy 合同金额 line lowest). HAN_BELOW = 0.92 sits in that
  narrow gap. Not perfect elsewhere: a simplified-only page (seed 0) sent 第七条… (one 0.55
  character; Tesseract agreed, RapidOCR's reading kept), and a dropped 簽 whose neighbours are
  read confidently (本合約經雙方署後生效) is never sent. English lines have no Han
  characters and never go to Tesseract (chi_sim/chi_tra read them worse).
- Choice. Tesseract's mean word confidence / 100 on lines it read right had a median of 0.933
  against RapidOCR's 0.995, and it is as confident when it turns a simplified line into
  traditional (应 -> 應), so it is scaled by TESSERACT_SCALE = 1.03 and compared with RapidOCR's
  line score; in the sweep (1.0-1.07, same 12 pages) 1.0 kept some wrong RapidOCR readings
  and 1.03 to 1.07 gave the same, best, accuracy. Tuned on those pages, checked on 12 others.

Cost: one tesseract run per page that has weak lines, all of them stacked into one image
(~0.4 s for one line, ~0.6 s for three). A page with no weak Han character costs nothing."""

import logging
from dataclasses import replace

import numpy as np

from docket.ingest.ocr.base import OcrUnavailable
from docket.ingest.ocr.reading import Box, join_line
from docket.ingest.ocr.tesseract import TesseractEngine
from docket.ingest.types import IngestError

log = logging.getLogger(__name__)

LANGUAGES = "chi_tra+chi_sim"  # traditional first: the lines sent here are mostly 繁體
HAN_BELOW = 0.92  # a Han character read with a probability under this sends the line
TESSERACT_SCALE = 1.03  # Tesseract's confidence (0..1) times this is compared with RapidOCR's
PAD = 0.25  # of the box height, white margin around the cut line (Tesseract wants a border)
GAP = 20  # px of white between stacked lines


class LineFallback:
    """Re-reads weak lines with Tesseract. Unavailable (no tesseract, no chi_tra) raises
    OcrUnavailable at construction; the RapidOCR engine then runs without it."""

    def __init__(self, *, threads: int | None = None) -> None:
        self._tesseract = TesseractEngine(languages=LANGUAGES, threads=threads)

    def improve(self, page: np.ndarray, boxes: list[Box], weakest: list[float]) -> list[Box]:
        """`boxes` with every weak line replaced by Tesseract's reading where that is surer.
        `page` is the grey page the boxes' coordinates are in (upright); weakest[i] is
        weakest_han() of boxes[i]."""
        weak = [i for i, low in enumerate(weakest) if low < HAN_BELOW]
        if not weak:
            return boxes
        readings = self._read_lines([_cut(page, boxes[i]) for i in weak])
        improved = list(boxes)
        for index, (text, confidence) in zip(weak, readings, strict=True):
            box = boxes[index]
            if text.strip() and confidence * TESSERACT_SCALE > box.score:
                log.debug("line %r -> Tesseract %r (%.3f)", box.text, text, confidence)
                improved[index] = replace(box, text=text, score=confidence)
        return improved

    def _read_lines(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        """Tesseract's reading of each cut line (text, mean word confidence 0..1): the lines
        stacked into one image and read in one run (--psm 6). Starting tesseract and loading
        two languages is most of a run: 3 lines took 0.57 s stacked against 1.15 s one by one,
        same readings there; but on 6 held-out noisy pages one line came back in simplified
        forms (货款应於验收), 99.71 % against 99.90 % with one --psm 7 run per line. Words go
        back to the line whose band holds their middle. A failed run (crash, timeout) keeps
        RapidOCR's readings."""
        width = max(crop.shape[1] for crop in crops)
        rows, bands, top = [], [], 0
        for crop in crops:
            rows.append(np.pad(crop, ((0, GAP), (0, width - crop.shape[1])), constant_values=255))
            bands.append((top, top + crop.shape[0]))
            top += crop.shape[0] + GAP
        try:
            words = self._tesseract.read_words(np.vstack(rows), psm=6)
        except IngestError as exc:
            log.warning("Tesseract line fallback failed, RapidOCR's readings kept: %s", exc)
            return [("", 0.0)] * len(crops)
        readings = []
        for start, end in bands:
            line = sorted((w for w in words if start <= w.middle < end), key=lambda w: w.left)
            score = float(np.mean([w.score for w in line])) if line else 0.0
            readings.append((join_line(line), score))
        return readings


def _cut(page: np.ndarray, box: Box) -> np.ndarray:
    """The box from the page, with a white border of PAD × its height all round."""
    h, w = page.shape
    pad = round(box.height * PAD)
    top, bottom = max(0, int(box.top)), min(h, int(np.ceil(box.bottom)) + 1)
    left, right = max(0, int(box.left)), min(w, int(np.ceil(box.right)) + 1)
    crop = page[top:bottom, left:right]
    return np.pad(crop, pad, mode="constant", constant_values=255)


def weakest_han(text: str, probabilities: list[float]) -> float:
    """The lowest recognition probability among the Han characters of a line (1.0 if none).
    probabilities[i] belongs to text[i] (RapidOCR's CTC decoder: one per character)."""
    if len(probabilities) != len(text):
        return 1.0
    han = [p for char, p in zip(text, probabilities, strict=True) if _is_han(char)]
    return float(min(han)) if han else 1.0


def _is_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


def make_fallback(threads: int | None) -> LineFallback | None:
    try:
        return LineFallback(threads=threads)
    except OcrUnavailable as exc:
        log.warning("RapidOCR runs without the Tesseract line fallback: %s", exc)
        return None
