"""RapidOCR (rapidocr-onnxruntime 1.4.x): PP-OCRv4 detection and recognition plus the PP-OCR
mobile direction classifier, all ONNX models shipped inside the wheel (nothing downloaded).

What the shipped recogniser covers: its dictionary is PaddleOCR's ppocr_keys_v1 (6,623
characters: simplified Chinese, digits, Latin letters, punctuation, and the traditional
characters that happen to be in it). Traditional characters outside it (簽, 貳, 責, 驗, 規 …)
cannot be produced: the model writes a look-alike or the simplified form instead. With
line_fallback (the registry's default) such lines are read again by Tesseract: fallback.py.

The pipeline calls the engine's three stages itself rather than RapidOCR()'s one call, for two
reasons: the classifier's per-line 0°/180° answers are turned into one vote for the whole page
(an upside-down page is then read right without a second pass), and detection runs on a
downscaled copy while recognition crops come from the full-resolution page."""

import cv2
import numpy as np
from PIL import Image

from docket.ingest.ocr.base import OcrEngine, OcrUnavailable, Reading
from docket.ingest.ocr.fallback import make_fallback, weakest_han
from docket.ingest.ocr.reading import Box

# Long side of the copy text is detected on. RapidOCR's one call detects at 2000; at 1600 an
# A4 page's 7 pt text is still ~13 px high and was read as well, and detection took ~half the
# time (0.55 s against 1.05 s per A4 page, 2 threads).
DETECT_SIDE = 1600
# Long side of the copy line crops are cut from. The recogniser scales every crop to 48 px high;
# cutting from the 300 dpi original (~70 px lines) and shrinking with plain linear resampling
# lost small punctuation (。 read as ·), so crops come from a 2000 px copy, as RapidOCR does.
CROP_SIDE = 2000
MAX_ASPECT = 4  # pad strips wider than this (a single line) so detection does not upscale them


class RapidOcrEngine(OcrEngine):
    name = "rapidocr"

    def __init__(self, *, threads: int | None = None, line_fallback: bool = False) -> None:
        """threads: onnxruntime intra-op threads per model (None: one per core).
        line_fallback: lines with a Han character read unsurely are read again by Tesseract
        (fallback.py); ignored, with a warning, when Tesseract or its chi_tra data is missing."""
        try:
            from rapidocr_onnxruntime import RapidOCR
        except ImportError as exc:  # opencv's shared libraries count as part of the engine
            raise OcrUnavailable(f"rapidocr-onnxruntime cannot be loaded: {exc}") from exc
        options = {} if threads is None else {"intra_op_num_threads": threads}
        # inter-op threads: the models are sequential graphs, a second pool only competes.
        self._ocr = RapidOCR(inter_op_num_threads=1, **options)
        self._min_score = self._ocr.text_score
        self._fallback = make_fallback(threads) if line_fallback else None

    @property
    def line_fallback(self) -> bool:
        """Whether weak lines are read again by Tesseract (fallback.py)."""
        return self._fallback is not None

    @property
    def characters(self) -> frozenset[str]:
        """Every character the recogniser can write (its CTC dictionary)."""
        return frozenset(self._ocr.text_rec.postprocess_op.character)

    def _detect(self, bgr: np.ndarray) -> np.ndarray:
        h, w = bgr.shape[:2]
        if w > h * MAX_ASPECT:  # white below the strip: box coordinates stay as they are
            bgr = cv2.copyMakeBorder(
                bgr, 0, w // MAX_ASPECT - h, 0, 0, cv2.BORDER_CONSTANT, value=(255, 255, 255)
            )
        scale = min(1.0, DETECT_SIDE / max(bgr.shape[:2]))
        small = bgr
        if scale < 1.0:
            size = (round(bgr.shape[1] * scale), round(bgr.shape[0] * scale))
            small = cv2.resize(bgr, size, interpolation=cv2.INTER_AREA)
        boxes, _ = self._ocr.text_det(small)
        if boxes is None or len(boxes) == 0:
            return np.zeros((0, 4, 2), dtype=np.float32)
        boxes = np.asarray(boxes, dtype=np.float32) / scale
        boxes[:, :, 0] = boxes[:, :, 0].clip(0, w - 1)
        boxes[:, :, 1] = boxes[:, :, 1].clip(0, h - 1)
        return boxes

    def _read(self, page: np.ndarray) -> Reading:
        bgr = cv2.cvtColor(page, cv2.COLOR_GRAY2BGR)
        boxes = self._detect(bgr)
        if len(boxes) == 0:
            return Reading(boxes=[], upside_down=False)
        scale = min(1.0, CROP_SIDE / max(bgr.shape[:2]))
        source = bgr
        if scale < 1.0:
            size = (round(bgr.shape[1] * scale), round(bgr.shape[0] * scale))
            source = cv2.resize(bgr, size, interpolation=cv2.INTER_AREA)
        crops = self._ocr.get_crop_img_list(source, list(boxes * scale))
        _, directions, _ = self._ocr.text_cls(crops)
        upside_down = _page_upside_down(directions, crops)
        if upside_down:
            crops = [cv2.rotate(crop, cv2.ROTATE_180) for crop in crops]
            h, w = page.shape
            boxes = np.stack([w - 1 - boxes[:, :, 0], h - 1 - boxes[:, :, 1]], axis=-1)
        # return_word_box: the per-character probabilities too (the fallback needs them).
        results, _ = self._ocr.text_rec(crops, return_word_box=self._fallback is not None)
        found, weakest = [], []
        for points, (text, score, *info) in zip(boxes, results, strict=True):
            if score >= self._min_score:  # RapidOCR's own cut: below it, mostly noise
                found.append(Box.from_points(points, text, score))
                weakest.append(weakest_han(text, info[0][4]) if info else 1.0)
        if self._fallback is not None:  # boxes are in the upright page's coordinates
            upright = np.ascontiguousarray(page[::-1, ::-1]) if upside_down else page
            found = self._fallback.improve(upright, found, weakest)
        return Reading(boxes=found, upside_down=upside_down)

    def raw(self, image: Image.Image) -> str:
        result, _ = self._ocr(image)  # RapidOCR's own loading, ordering and thresholds
        return "\n".join(text for _, text, _ in result or [])


def _page_upside_down(directions: list, crops: list[np.ndarray]) -> bool:
    """One answer for the page from the classifier's per-line answers: each line votes with
    its confidence times its length (a long line is a surer witness than a lone digit).

    The classifier alone would flip only the lines it is >90 % sure of and leave the rest
    upside down; a page is printed one way up, so all lines go the way most of them say."""
    votes = {"0": 0.0, "180": 0.0}
    for (label, score), crop in zip(directions, crops, strict=True):
        votes[label] = votes.get(label, 0.0) + float(score) * crop.shape[1] / crop.shape[0]
    return votes["180"] > votes["0"]
