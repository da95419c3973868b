"""`docket check` against `sha256sum`: `documents.fixity.run_check()` (rows ↔ blobs both ways,
re-hashing on all cores) timed against sha256sum over the same blob files, single-process and
with `xargs -P2`. Uses the blobs the upload benchmark left in the scratch directory, or uploads
its own set first. One untimed warm-up each, so the OS page cache is warm: this measures
hashing and bookkeeping, not the disk.

    python -m benchmarks.fixity --db sqlite|postgres [--quick]
"""

import math
import shlex
import statistics
import subprocess
import time
from pathlib import Path

from benchmarks import common, upload

# The store's own tmp/ (uploads in flight) is not blobs; anchored so a root under /tmp works.
FIND = "find {root} -type f -not -path {root}/tmp/'*' -print0"
SHA256SUM = FIND + " | xargs -0 sha256sum > /dev/null"
SHA256SUM_P2 = FIND + " | xargs -0 -P2 -n {per_process} sha256sum > /dev/null"


def ensure_blobs(count: int) -> None:
    from django.db import DatabaseError

    from docket.documents.models import Version

    try:
        have = Version.objects.count()
    except DatabaseError:  # run on its own: no database yet
        have = 0
    if have < count:
        common.reset_database()
        upload.upload_all(upload.make_pdfs(count))


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    args = common.parse_args(__doc__)
    common.setup_django(args.db, args.workdir)
    from django.conf import settings

    from docket.documents.fixity import run_check

    count, runs = (100, 3) if args.quick else (1000, 5)
    ensure_blobs(count)
    root = Path(settings.BLOB_STORE["ROOT"])
    files = [p for p in root.rglob("*") if p.is_file() and p.relative_to(root).parts[0] != "tmp"]
    total_bytes = sum(p.stat().st_size for p in files)
    quoted = shlex.quote(str(root))
    single = SHA256SUM.format(root=quoted)
    parallel = SHA256SUM_P2.format(root=quoted, per_process=math.ceil(len(files) / 2))

    def check() -> None:
        report = run_check()
        assert report.ok and report.blobs_checked == len(files), "the blob store is not clean"

    contenders = {
        "docket check (run_check)": check,
        "sha256sum (1 process)": lambda: subprocess.run(single, shell=True, check=True),
        "sha256sum (xargs -P2)": lambda: subprocess.run(parallel, shell=True, check=True),
    }
    for fn in contenders.values():  # warm the page cache and the imports
        fn()
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(runs):  # interleaved, so drift affects all three alike
        for name, fn in contenders.items():
            times[name].append(timed(fn))
    medians = {name: statistics.median(t) for name, t in times.items()}

    label = common.database_label()
    check_s = medians["docket check (run_check)"]
    print(f"\ndocket check vs sha256sum, {label}: {len(files):,} blobs, {total_bytes / 1e6:.1f} MB")
    print(f"(median of {runs} runs each after one warm-up; the OS page cache is warm)")
    print(
        common.table(
            ["tool", "median s", "min s", "max s", "MB/s", "check / this"],
            [
                [
                    name,
                    round(m, 4),
                    round(min(times[name]), 4),
                    round(max(times[name]), 4),
                    round(total_bytes / 1e6 / m, 1),
                    round(check_s / m, 2),
                ]
                for name, m in medians.items()
            ],
        )
    )
    print(f"  1 process: {single}\n  parallel:  {parallel}")
    common.write_json(
        args,
        {
            "database": label,
            "blobs": len(files),
            "bytes": total_bytes,
            "runs": runs,
            "page_cache": "warm",
            "seconds_median": {name: round(m, 4) for name, m in medians.items()},
            "seconds_per_run": {name: [round(s, 4) for s in t] for name, t in times.items()},
            "ratio_check_to_sha256sum": round(check_s / medians["sha256sum (1 process)"], 2),
            "ratio_check_to_sha256sum_p2": round(check_s / medians["sha256sum (xargs -P2)"], 2),
            "commands": {"single": single, "parallel": parallel},
        },
    )


if __name__ == "__main__":
    main()
