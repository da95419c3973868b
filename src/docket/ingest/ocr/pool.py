"""Pages in parallel: a pool of worker processes, each loading its engine once and keeping it
for every page (and document) after that.

Each worker gets cores // workers threads (onnxruntime intra-op threads, or Tesseract's
OMP_THREAD_LIMIT), so workers × threads never exceeds the cores. Measured on 2 cores, 4 A4
pages, medians of 3 (benchmarks/ocr.py, two runs): RapidOCR 1.29 and 1.54 s/page with
2 processes × 1 thread against 1.31 and 1.51 with 1 process × 2 threads (a tie: onnxruntime
scales well inside one process); Tesseract 1.02 and 1.01 against 1.77 and 1.73 (its OpenMP
scales poorly). So the default is one process per core. Starting the pool (imports, models)
took 2.3-4.6 s, once per process that uses it.

"spawn" start method: a forked copy of a process that already runs onnxruntime's or OpenMP's
thread pools can deadlock, and a fresh interpreter needs no Django settings. As with any
spawn pool, a script calling ocr_pages must guard its top level with
`if __name__ == "__main__":` (the workers re-import the main module); manage.py, the docket
command, gunicorn and pytest do."""

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from django.utils.translation import gettext_noop as _

from docket.core.notices import Notice
from docket.ingest.ocr.registry import (
    configured_engine_name,
    configured_line_fallback,
    make_engine,
)
from docket.ingest.types import IngestError, OcrPage, PageImage

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_pool_key: tuple[str, int, int, bool] | None = None
_worker_engine: tuple[str, int, bool] | None = None  # set in each worker by _start_worker


def default_workers(pages: int) -> int:
    """One process per core, never more than pages (see the module's docstring for why)."""
    return max(1, min(pages, os.cpu_count() or 1))


def _start_worker(name: str, threads: int, line_fallback: bool) -> None:
    # line_fallback comes from the parent: a spawned worker has no Django settings to read.
    global _worker_engine
    _worker_engine = (name, threads, line_fallback)
    make_engine(name, threads, line_fallback)  # load the models now, not in the first page


def _recognize(page: PageImage) -> OcrPage:
    assert _worker_engine is not None, "not running in an OCR pool worker"
    return make_engine(*_worker_engine).recognize(page.image)


def _get_pool(name: str, workers: int, threads: int) -> ProcessPoolExecutor:
    global _pool, _pool_key
    line_fallback = configured_line_fallback()
    key = (name, workers, threads, line_fallback)
    if _pool is None or _pool_key != key:
        shutdown_pool()
        _pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(name, threads, line_fallback),
        )
        _pool_key = key
    return _pool


def shutdown_pool() -> None:
    """Stop the worker processes (they are kept between calls to avoid reloading models)."""
    global _pool, _pool_key
    if _pool is not None:
        _pool.shutdown(wait=True, cancel_futures=True)
    _pool, _pool_key = None, None


def ocr_pages(
    images: list[PageImage], *, workers: int | None = None, engine: str | None = None
) -> list[OcrPage]:
    """OCR every page; result i belongs to images[i] (pass pages in page order).

    workers: processes (default: one per core, at most one per page). With one worker the
    pages are read in this process, by the engine get_engine() keeps, on all cores."""
    if not images:
        return []
    name = engine or configured_engine_name()
    workers = default_workers(len(images)) if workers is None else max(1, workers)
    if workers == 1:
        reader = make_engine(name)
        return [reader.recognize(page.image) for page in images]
    threads = max(1, (os.cpu_count() or 1) // workers)
    with _lock:  # one pool per process; concurrent callers share it
        pool = _get_pool(name, workers, threads)
        try:
            return list(pool.map(_recognize, images))
        except BrokenProcessPool as exc:
            shutdown_pool()
            raise IngestError(Notice(_("an OCR worker process died (out of memory?)"))) from exc
