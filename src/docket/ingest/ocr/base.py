"""The engine interface and the page pipeline every engine shares:

    any image -> grey -> blank? -> sideways? + skew (projection profiles) -> levelled page
    -> engine reads boxes (and says whether it had to turn the page upside down)
    -> reading order -> NFKC text (normalise) -> OcrPage

An engine only implements `_read` on a levelled grey page; `recognize` is the same for all."""

from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np
from PIL import Image

from docket.documents.text import normalise
from docket.ingest.ocr.preprocess import detect_layout, is_blank, straighten, to_gray
from docket.ingest.ocr.reading import Box, lines_text
from docket.ingest.types import OcrPage


class OcrUnavailable(RuntimeError):
    """The engine cannot run on this machine (a missing program, model or language)."""


@dataclass(frozen=True)
class Reading:
    """What an engine read on a levelled page."""

    boxes: list[Box]
    upside_down: bool  # the engine read the page turned by 180°


class OcrEngine(ABC):
    """Reads one page image. Engines are heavy (models in memory): make one per process and
    reuse it (get_engine caches them)."""

    name: str = ""

    def recognize(self, image: Image.Image) -> OcrPage:
        """The page's text, NFKC-normalised, lines top to bottom.

        OcrPage.rotation is the counter-clockwise turn (Image.rotate's sense) that makes the
        page upright: `image.rotate(page.rotation, expand=True)` reads normally. A small skew
        is levelled too but not reported (rotation is a multiple of 90). A blank or tiny
        image gives empty text with confidence 0.0 (no line was recognised)."""
        gray = to_gray(image)
        if is_blank(gray):
            return OcrPage(text="", confidence=0.0, rotation=0)
        layout = detect_layout(gray)
        reading = self._read(straighten(gray, layout))
        # straighten() turned a sideways page clockwise, i.e. 270° counter-clockwise.
        rotation = (270 if layout.quarter == 90 else 0) + (180 if reading.upside_down else 0)
        boxes = [box for box in reading.boxes if box.text.strip()]
        confidence = float(np.mean([box.score for box in boxes])) if boxes else 0.0
        return OcrPage(
            text=normalise(lines_text(boxes)),
            confidence=round(confidence, 4),
            rotation=rotation % 360,
        )

    @abstractmethod
    def _read(self, page: np.ndarray) -> Reading:
        """Boxes on `page` (2-D uint8, text lines running across, level, maybe upside down),
        in the coordinates of the page as returned upright."""

    @abstractmethod
    def raw(self, image: Image.Image) -> str:
        """The engine's own one-call reading of the image, with none of the pipeline above:
        the baseline the benchmark measures the pipeline's overhead against."""
