"""OCR for scanned pages: an engine interface with RapidOCR (default) and Tesseract behind it,
page clean-up (orientation, skew, grey), reading order, and a process pool for many pages.

    from docket.ingest.ocr import get_engine, ocr_pages
    page = get_engine().recognize(image)       # OcrPage(text, confidence, rotation)
    pages = ocr_pages([PageImage(0, image0), PageImage(1, image1)])
"""

from docket.ingest.ocr.base import OcrEngine, OcrUnavailable
from docket.ingest.ocr.pool import ocr_pages, shutdown_pool
from docket.ingest.ocr.rapid import RapidOcrEngine
from docket.ingest.ocr.registry import ENGINES, get_engine
from docket.ingest.ocr.tesseract import TesseractEngine

__all__ = [
    "ENGINES",
    "OcrEngine",
    "OcrUnavailable",
    "RapidOcrEngine",
    "TesseractEngine",
    "get_engine",
    "ocr_pages",
    "shutdown_pool",
]
