"""Which engine: by name, or the OCR_ENGINE setting ("rapidocr" unless set). One instance per
(name, threads) per process, because loading the models is the expensive part."""

from functools import cache

from docket.ingest.ocr.base import OcrEngine
from docket.ingest.ocr.rapid import RapidOcrEngine
from docket.ingest.ocr.tesseract import TesseractEngine

DEFAULT_ENGINE = "rapidocr"
ENGINES: dict[str, type[OcrEngine]] = {
    RapidOcrEngine.name: RapidOcrEngine,
    TesseractEngine.name: TesseractEngine,
}


def configured_engine_name() -> str:
    """settings.OCR_ENGINE, or the default when Django is not set up (a benchmark, a worker
    process of the OCR pool)."""
    from django.core.exceptions import ImproperlyConfigured

    try:
        from django.conf import settings

        return getattr(settings, "OCR_ENGINE", DEFAULT_ENGINE) or DEFAULT_ENGINE
    except ImproperlyConfigured:
        return DEFAULT_ENGINE


@cache
def make_engine(name: str, threads: int | None = None) -> OcrEngine:
    if name not in ENGINES:
        raise ValueError(f"unknown OCR engine {name!r}; known: {', '.join(sorted(ENGINES))}")
    return ENGINES[name](threads=threads)


def get_engine(name: str | None = None) -> OcrEngine:
    """The engine called `name`, else the configured one; raises OcrUnavailable when it cannot
    run here (missing package, program or language data) and ValueError for an unknown name."""
    return make_engine(name or configured_engine_name())
