"""Which engine: by name, or the OCR_ENGINE setting ("rapidocr" unless set). One instance per
(name, threads, line fallback) per process, because loading the models is the expensive part.

OCR_LINE_FALLBACK (bool, DEFAULT_LINE_FALLBACK unless set): RapidOCR sends the lines it reads
with a low score to Tesseract as well (see fallback.py)."""

from functools import cache

from docket.ingest.ocr.base import OcrEngine
from docket.ingest.ocr.rapid import RapidOcrEngine
from docket.ingest.ocr.tesseract import TesseractEngine

DEFAULT_ENGINE = "rapidocr"
DEFAULT_LINE_FALLBACK = True
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


def configured_line_fallback() -> bool:
    """settings.OCR_LINE_FALLBACK, or the default when Django is not set up."""
    from django.core.exceptions import ImproperlyConfigured

    try:
        from django.conf import settings

        return bool(getattr(settings, "OCR_LINE_FALLBACK", DEFAULT_LINE_FALLBACK))
    except ImproperlyConfigured:
        return DEFAULT_LINE_FALLBACK


def make_engine(
    name: str, threads: int | None = None, line_fallback: bool | None = None
) -> OcrEngine:
    """line_fallback: None reads the setting (RapidOCR only; other engines ignore it)."""
    if line_fallback is None:
        line_fallback = configured_line_fallback()
    return _make_engine(name, threads, line_fallback)


@cache
def _make_engine(name: str, threads: int | None, line_fallback: bool) -> OcrEngine:
    if name not in ENGINES:
        raise ValueError(f"unknown OCR engine {name!r}; known: {', '.join(sorted(ENGINES))}")
    if ENGINES[name] is RapidOcrEngine:
        return RapidOcrEngine(threads=threads, line_fallback=line_fallback)
    return ENGINES[name](threads=threads)


def get_engine(name: str | None = None, *, line_fallback: bool | None = None) -> OcrEngine:
    """The engine called `name`, else the configured one; raises OcrUnavailable when it cannot
    run here (missing package, program or language data) and ValueError for an unknown name."""
    return make_engine(name or configured_engine_name(), line_fallback=line_fallback)
