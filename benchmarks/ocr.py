"""OCR: character accuracy and seconds per page for each engine on Docket's own rendered scans
(clean, noisy, rotated 90/180/270, skewed), the pipeline's overhead over the bare engine call,
and one process × all cores against one process per core.

    python -m benchmarks.ocr [--quick] [--json FILE]

No database: --db and --workdir are accepted (benchmarks/__main__ passes them) and unused.
Pages are A4 at 300 dpi with 19 lines: 12 simplified Chinese, 3 traditional, 3 English,
one title; "simplified" pages leave the traditional lines out (the common case, which the
Tesseract line fallback must not slow down). "w/o 繁" is the accuracy with the traditional lines
left out of both sides, because RapidOCR's dictionary lacks some traditional characters (see
docket/ingest/ocr/rapid.py). "rapidocr-bare" is RapidOCR without the line fallback
(docket/ingest/ocr/fallback.py), for the before/after."""

import difflib
import os
import statistics
import time
from collections.abc import Callable

from benchmarks.common import parse_args, table, write_json
from docket.ingest.accuracy import character_accuracy
from docket.ingest.ocr import ENGINES, OcrUnavailable, get_engine, ocr_pages, shutdown_pool
from docket.ingest.scanner import TRADITIONAL, render_page
from docket.ingest.types import PageImage

CONDITIONS: dict[str, Callable[[int], dict]] = {
    "clean": lambda i: {"seed": i},
    "noisy": lambda i: {"seed": 10 + i, "noisy": True},
    "rotated": lambda i: {"seed": 20 + i, "rotation": (90, 180, 270)[i % 3]},
    "skewed": lambda i: {"seed": 30 + i, "skew": (3.0, -5.0, 8.0)[i % 3]},
    "simplified": lambda i: {"seed": 60 + i, "traditional": False},
}
BARE = "rapidocr-bare"  # RapidOCR with the Tesseract line fallback off


def without_traditional(truth: str, text: str) -> tuple[str, str]:
    """Both texts minus the traditional lines: each traditional truth line takes away the
    OCR line most like it (pages are read one line per printed line)."""
    truth_lines = truth.splitlines()
    ocr_lines = text.splitlines()
    for line in (t for t in truth_lines if t in TRADITIONAL):
        if not ocr_lines:
            break
        ratios = [difflib.SequenceMatcher(None, line, o).ratio() for o in ocr_lines]
        ocr_lines.pop(max(range(len(ratios)), key=ratios.__getitem__))
    kept = [t for t in truth_lines if t not in TRADITIONAL]
    return "\n".join(kept), "\n".join(ocr_lines)


def measure_conditions(name: str, pages_per_condition: int) -> dict:
    engine = get_engine("rapidocr", line_fallback=False) if name == BARE else get_engine(name)
    engine.recognize(render_page(lines=["预热"], dpi=100)[0])  # load and warm the models
    result = {}
    for condition, options in CONDITIONS.items():
        accuracies, simplified, seconds, rotations = [], [], [], []
        for i in range(pages_per_condition):
            image, truth = render_page(**options(i))
            start = time.perf_counter()
            page = engine.recognize(image)
            seconds.append(time.perf_counter() - start)
            accuracies.append(character_accuracy(truth, page.text))
            simplified.append(character_accuracy(*without_traditional(truth, page.text)))
            rotations.append(page.rotation == (360 - options(i).get("rotation", 0)) % 360)
        result[condition] = {
            "pages": pages_per_condition,
            "accuracy_mean": round(statistics.mean(accuracies), 4),
            "accuracy_without_traditional_mean": round(statistics.mean(simplified), 4),
            "seconds_per_page_median": round(statistics.median(seconds), 2),
            "rotation_right": f"{sum(rotations)}/{len(rotations)}",
        }
        print(f"  {name} {condition}: {result[condition]}", flush=True)
    return result


def measure_overhead(name: str, pages: int) -> dict:
    """ocr_pages() in this process (levelling, orientation, reading order, NFKC) against the
    engine's own one call, alternating page by page so background load hits both alike."""
    engine = get_engine(name)
    images = [render_page(seed=40 + i, noisy=bool(i % 2))[0] for i in range(pages)]
    ours, raw = [], []
    for number, image in enumerate(images):
        start = time.perf_counter()
        ocr_pages([PageImage(number, image)], workers=1, engine=name)
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        engine.raw(image)
        raw.append(time.perf_counter() - start)
    ours_median, raw_median = statistics.median(ours), statistics.median(raw)
    return {
        "pages": pages,
        "ocr_pages_seconds_median": round(ours_median, 2),
        "raw_engine_seconds_median": round(raw_median, 2),
        "ratio": round(ours_median / raw_median, 2),
    }


def measure_parallelism(name: str, pages: int, repeats: int) -> dict:
    """1 process × all cores' threads (workers=1) against one process per core with one thread
    each (workers=cores). The pool is started (models loaded) before timing; its start-up is
    reported on its own."""
    images = [PageImage(i, render_page(seed=50 + i)[0]) for i in range(pages)]
    cores = os.cpu_count() or 1
    start = time.perf_counter()
    ocr_pages(images[:cores], workers=cores, engine=name)
    warm_up = time.perf_counter() - start
    timings: dict[int, list[float]] = {1: [], cores: []}
    for _ in range(repeats):
        for workers in timings:
            start = time.perf_counter()
            ocr_pages(images, workers=workers, engine=name)
            timings[workers].append((time.perf_counter() - start) / pages)
    shutdown_pool()
    return {
        "pages": pages,
        "repeats": repeats,
        f"1 process x {cores} threads s/page": round(statistics.median(timings[1]), 2),
        f"{cores} processes x 1 thread s/page": round(statistics.median(timings[cores]), 2),
        "pool start + first pages s": round(warm_up, 1),
    }


def main() -> None:
    args = parse_args(__doc__)
    per_condition = 1 if args.quick else 3
    load_before = os.getloadavg()[0]
    results: dict = {"engines": {}, "skipped": {}}
    for name in ENGINES:
        try:
            get_engine(name)
        except OcrUnavailable as exc:
            results["skipped"][name] = str(exc)
            print(f"{name} skipped: {exc}")
            continue
        print(f"{name}: pages per condition {per_condition}", flush=True)
        results["engines"][name] = {
            "conditions": measure_conditions(name, per_condition),
            "overhead": measure_overhead(name, 2 if args.quick else 6),
            "parallel": measure_parallelism(name, 2 if args.quick else 4, 1 if args.quick else 3),
        }
        if name == "rapidocr":
            print(f"{BARE}: pages per condition {per_condition}", flush=True)
            results["engines"][BARE] = {"conditions": measure_conditions(BARE, per_condition)}
    results["load_average_1min"] = {"before": load_before, "after": os.getloadavg()[0]}
    write_json(args, results)

    rows = [
        [
            name,
            condition,
            r["pages"],
            r["accuracy_mean"],
            r["accuracy_without_traditional_mean"],
            r["seconds_per_page_median"],
            r["rotation_right"],
        ]
        for name, engine in results["engines"].items()
        for condition, r in engine["conditions"].items()
    ]
    print("\nOCR accuracy (mean) and seconds per page (median), A4 300 dpi")
    print(table(["engine", "page", "pages", "accuracy", "w/o 繁", "s/page", "rotation ok"], rows))
    print("\nPipeline overhead: ocr_pages() vs the engine's bare call (same pages, 1 process)")
    rows = [
        [
            name,
            o["pages"],
            o["ocr_pages_seconds_median"],
            o["raw_engine_seconds_median"],
            o["ratio"],
        ]
        for name, engine in results["engines"].items()
        if "overhead" in engine
        for o in [engine["overhead"]]
    ]
    print(table(["engine", "pages", "ocr_pages s", "raw s", "ratio"], rows))
    print("\nParallelism (s/page, median)")
    for name, engine in results["engines"].items():
        if "parallel" in engine:
            print(f"  {name}: {engine['parallel']}")
    load = results["load_average_1min"]
    print(f"\nLoad average (1 min) before: {load['before']:.2f}, after: {load['after']:.2f}")


if __name__ == "__main__":  # the OCR pool spawns processes, which re-import __main__
    main()
