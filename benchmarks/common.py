"""What the benchmark modules share: arguments, Django set-up on a scratch database, statistics
and plain-text tables. Nothing here imports Django at import time: `setup_django` must set the
DOCKET_* environment variables before the settings module is read."""

import argparse
import atexit
import hashlib
import json
import math
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent.parent / ".bench"  # gitignored
PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"


def pg_bench_db(workdir: str) -> str:
    """The scratch PostgreSQL database of a work directory: its own, so that a quick run
    never drops the 1M database another run keeps in its --workdir."""
    digest = hashlib.sha1(str(Path(workdir).resolve()).encode()).hexdigest()[:10]
    return f"docket_bench_{digest}"


# --- arguments ---------------------------------------------------------------------------------


def parse_args(description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--quick", action="store_true", default=bool(os.environ.get("BENCH_QUICK")))
    parser.add_argument("--workdir", help="scratch directory (default: a temporary one)")
    parser.add_argument("--json", help="write the results here as JSON")
    args = parser.parse_args()
    if args.workdir is None:  # run on its own: clean up after ourselves
        BENCH_DIR.mkdir(exist_ok=True)
        args.workdir = tempfile.mkdtemp(prefix="work-", dir=BENCH_DIR)
        atexit.register(shutil.rmtree, args.workdir, True)
        if args.db == "postgres":
            atexit.register(drop_postgres_database, args.workdir)
    return args


def write_json(args: argparse.Namespace, result: dict) -> None:
    if args.json:
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=2))


# --- PostgreSQL (plain psycopg, no Django) -----------------------------------------------------


def _pg_admin():
    import psycopg

    return psycopg.connect(
        host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", autocommit=True
    )


def postgres_reachable() -> bool:
    try:
        with _pg_admin() as conn:
            conn.execute("SELECT 1")
        return True
    except Exception:
        return False


def drop_postgres_database(workdir: str) -> None:
    with _pg_admin() as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {pg_bench_db(workdir)} WITH (FORCE)")


# --- Django on a scratch database --------------------------------------------------------------


def setup_django(db: str, workdir: str) -> Path:
    """Point Docket at WORKDIR/<db>/ (data, blobs, SQLite file) or the scratch PostgreSQL
    database, then django.setup(). Returns the data directory."""
    data_dir = Path(workdir) / db
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["DOCKET_DATA_DIR"] = str(data_dir)
    url = f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{pg_bench_db(workdir)}"
    os.environ["DOCKET_DATABASE_URL"] = url if db == "postgres" else ""
    os.environ["DJANGO_SETTINGS_MODULE"] = "docket.settings"
    import django

    django.setup()
    return data_dir


def reset_database() -> None:
    """An empty, migrated database and an empty blob store, as on a fresh installation."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    connections.close_all()
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db['NAME']}{suffix}").unlink(missing_ok=True)
    else:
        with _pg_admin() as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {db['NAME']} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {db['NAME']}")
    shutil.rmtree(settings.BLOB_STORE["ROOT"], ignore_errors=True)
    call_command("migrate", verbosity=0)


def database_label() -> str:
    from django.db import connection

    return "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"


# --- statistics and tables ---------------------------------------------------------------------


def timed_requests(client, url: str, warmup: int, requests: int) -> dict:
    """GET `url` `warmup` times (each must answer 200), then `requests` times timed; then once
    more, untimed, with the SQL captured (logging queries costs time). Returns the timings'
    median and p95, the query count and SQL, and that last response."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
    times_ms = []
    for _ in range(requests):
        start = time.perf_counter()
        client.get(url)
        times_ms.append(1000 * (time.perf_counter() - start))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return {
        "url": url,
        "requests": requests,
        "median_ms": round(statistics.median(times_ms), 2),
        "p95_ms": round(percentile(times_ms, 95), 2),
        "min_ms": round(min(times_ms), 2),
        "queries": len(queries),
        "sql": [q["sql"] for q in queries.captured_queries],
        "response": response,
    }


def cpu_check_ms() -> float:
    """How long a fixed pure-Python loop takes now, in ms: this machine's speed varies with
    nothing else running (190 to 313 ms within one search benchmark run, on the 2-core VM),
    so a table printed beside it can be read against the same loop at another time."""
    start = time.perf_counter()
    total = 0
    for i in range(5_000_000):
        total += i
    return round(1000 * (time.perf_counter() - start))


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile: the smallest value with at least pct % of values at or below."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """An aligned plain-text table: text left-aligned; numbers right-aligned, with thousands
    separators and, per column, as many decimals as its most precise (already rounded) value."""
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in headers]
    formats = [_number_format(column) for column in columns]
    cells = [[str(h) for h in headers]] + [
        [str(v) if fmt is None else fmt.format(v) for v, fmt in zip(row, formats, strict=True)]
        for row in rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        return "  ".join(
            c.ljust(w) if fmt is None else c.rjust(w)
            for c, w, fmt in zip(row, widths, formats, strict=True)
        ).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule, *(line(row) for row in cells[1:])])


def _number_format(column: Sequence[object]) -> str | None:
    """A format for a column of numbers, or None when any cell is not a number."""
    if not column or not all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in column
    ):
        return None
    decimals = max(len(repr(v).partition(".")[2]) if isinstance(v, float) else 0 for v in column)
    return f"{{:,.{min(decimals, 4)}f}}"
