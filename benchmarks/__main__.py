"""Run every benchmark on SQLite and, when it answers, PostgreSQL; print a summary and write
.bench/results.json. Each benchmark runs in its own process (Django reads its settings once).

    python -m benchmarks [--quick]
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import time

from benchmarks.common import BENCH_DIR, drop_postgres_database, postgres_reachable, table

MODULES = [
    "upload",
    "fixity",
    "api_list",
    "ui_pages",
    "pipeline",
]  # fixity re-checks upload's blobs
ONCE = ["ocr", "classify"]  # no database: run once, they print their own tables
SEARCH_SIZES = [100_000, 1_000_000]  # benchmarks.search, per database (--quick: 5,000)


def run(
    module: str, db: str, workdir: str, quick: bool, extra: list[str] | None = None
) -> dict | None:
    out = os.path.join(workdir, f"{module}-{db}-{'-'.join(extra or [])}.json")
    command = [sys.executable, "-m", f"benchmarks.{module}", "--db", db, "--workdir", workdir]
    command += ["--json", out] + (["--quick"] if quick else []) + (extra or [])
    start = time.perf_counter()
    finished = subprocess.run(command).returncode == 0
    print(f"[{module} on {db}: {time.perf_counter() - start:.1f} s]", flush=True)
    if not finished:
        print(f"!! benchmarks.{module} --db {db} failed", flush=True)
        return None
    with open(out) as f:
        return json.load(f)


def summary(results: dict) -> str:
    parts = []
    uploads = results["upload"].values()
    parts.append("Upload throughput (document_upload: blob + rows + text job)")
    parts.append(
        table(
            ["database", "documents", "runs", "median docs/s", "median ms/doc"],
            [
                [
                    r["database"],
                    r["documents"],
                    r["runs"],
                    r["docs_per_second_median"],
                    r["ms_per_document_median"],
                ]
                for r in uploads
            ],
        )
    )
    parts.append("\ndocket check vs sha256sum (seconds, median; page cache warm)")
    rows = []
    for r in results["fixity"].values():
        s = r["seconds_median"]
        rows.append(
            [
                r["database"],
                r["blobs"],
                round(r["bytes"] / 1e6, 1),
                s["docket check (run_check)"],
                s["sha256sum (1 process)"],
                s["sha256sum (xargs -P2)"],
                r["ratio_check_to_sha256sum"],
                r["ratio_check_to_sha256sum_p2"],
            ]
        )
    headers = [
        "database",
        "blobs",
        "MB",
        "check s",
        "sha256sum s",
        "sha256sum -P2 s",
        "check/sha256sum",
        "check/-P2",
    ]
    parts.append(table(headers, rows))
    parts.append("\nGET /api/documents/ (ms; SQL queries per request)")
    rows = [
        [r["database"], f"{r['documents']:,} docs", name, q["median_ms"], q["p95_ms"], q["queries"]]
        for r in results["api_list"].values()
        for name, q in r["requests"].items()
    ]
    parts.append(table(["database", "size", "request", "median ms", "p95 ms", "queries"], rows))
    parts.append("\nWeb UI pages (ms; SQL queries per request)")
    rows = [
        [r["database"], f"{r['documents']:,} docs", name, q["median_ms"], q["p95_ms"], q["queries"]]
        for r in results["ui_pages"].values()
        for name, q in r["pages"].items()
    ]
    parts.append(table(["database", "size", "page", "median ms", "p95 ms", "queries"], rows))
    parts.append("\nIngest pipeline (born-digital: whole pipeline; scanned: OCR per page)")
    rows = [
        [
            r["database"],
            r["born_digital"]["filed"],
            r["born_digital"]["docs_per_second"],
            r["scanned"]["ocr_done"],
            r["scanned"]["seconds_per_page_median"],
            r["peak_memory_mb"],
        ]
        for r in results["pipeline"].values()
    ]
    headers = ["database", "documents", "docs/s", "scanned pages", "s/page", "peak MB"]
    parts.append(table(headers, rows))
    parts.append("\nSearch index build (docket reindex)")
    searches = list(results.get("search", {}).values())
    rows = [
        [
            r["database"],
            r["documents"],
            r["index"]["docs_per_second"],
            r["index"]["size_mb"],
            r["index"]["bytes_per_document"],
        ]
        for r in searches
    ]
    parts.append(table(["database", "documents", "docs/s", "index MB", "bytes/doc"], rows))
    parts.append("\nGET /api/search/ top 20 (ms: median / p95; matches: median)")
    rows = [
        [r["database"], r["documents"], name, c["median_ms"], c["p95_ms"], c["matches_median"]]
        for r in searches
        for name, c in r["cases"].items()
    ]
    headers = ["database", "documents", "query", "median ms", "p95 ms", "matches"]
    parts.append(table(headers, rows))
    return "\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", default=bool(os.environ.get("BENCH_QUICK")))
    quick = parser.parse_args().quick

    started = time.perf_counter()
    workdir = BENCH_DIR / "work"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    databases = ["sqlite"]
    if postgres_reachable():
        databases.append("postgres")
    else:
        print("PostgreSQL is not reachable on 127.0.0.1:5432: the PostgreSQL rows are skipped.")
    load_before = os.getloadavg()
    print(f"Docket benchmarks ({'quick smoke run' if quick else 'full run'}) on {databases}")
    print(f"{os.cpu_count()} CPUs; load average before: {load_before[0]:.2f} (1 min)", flush=True)

    results: dict[str, dict] = {module: {} for module in [*MODULES, "search"]}
    failed = []
    try:
        for db in databases:
            for module in MODULES:
                result = run(module, db, str(workdir), quick)
                if result is None:
                    failed.append(f"{module}/{db}")
                else:
                    results[module][db] = result
            for size in [5_000] if quick else SEARCH_SIZES:
                result = run("search", db, str(workdir), quick, ["--documents", str(size)])
                if result is None:
                    failed.append(f"search {size}/{db}")
                else:
                    results["search"][f"{db} {size}"] = result
        for module in ONCE:
            print(f"\n--- benchmarks.{module} ---", flush=True)
            command = [sys.executable, "-m", f"benchmarks.{module}"] + (
                ["--quick"] if quick else []
            )
            if subprocess.run(command).returncode != 0:
                failed.append(module)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if "postgres" in databases:
            drop_postgres_database(str(workdir))
    runtime = time.perf_counter() - started
    load_after = os.getloadavg()

    print("\n" + "=" * 30 + " SUMMARY " + "=" * 30)
    print(summary(results))
    if "postgres" not in databases:
        print("\nPostgreSQL rows skipped: PostgreSQL was not reachable.")
    if failed:
        print(f"\nFailed: {', '.join(failed)}")
    print(f"\nLoad average (1 min) before: {load_before[0]:.2f}, after: {load_after[0]:.2f}")
    print(f"Total runtime: {runtime:.0f} s; results in {BENCH_DIR / 'results.json'}")
    (BENCH_DIR / "results.json").write_text(
        json.dumps(
            {
                "quick": quick,
                "date": datetime.datetime.now().isoformat(timespec="seconds"),
                "machine": {
                    "cpus": os.cpu_count(),
                    "python": platform.python_version(),
                    "platform": platform.platform(),
                },
                "runtime_seconds": round(runtime, 1),
                "load_average_1min": {"before": load_before[0], "after": load_after[0]},
                "postgres_skipped": "postgres" not in databases,
                "failed": failed,
                "results": results,
            },
            ensure_ascii=False,
            indent=2,
        )
    )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
