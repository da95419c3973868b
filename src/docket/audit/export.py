"""Exporting events as CSV or JSON Lines, streamed a batch at a time, oldest first.

JSONL is exact: each line is the event's canonical content plus its hash, so the chain can be
recomputed from the file alone (sha256(prev_hash + the line without "hash", dumped with sorted
keys, no spaces, ensure_ascii=False)). CSV is for people: UTF-8 with a BOM so Excel shows the
Chinese, details as JSON text, and any cell that Excel would run as a formula (starting with
= + - @) prefixed with an apostrophe.
"""

import csv
import io
import json
from collections.abc import Iterator

from django.db.models import QuerySet

from docket.audit.chain import CANONICAL_FIELDS, canonical_dict, row_values
from docket.audit.models import AuditEvent

__all__ = ["COLUMNS", "FORMATS", "export_lines"]

FORMATS = {"csv": "text/csv; charset=utf-8", "jsonl": "application/jsonl; charset=utf-8"}
COLUMNS = (
    "seq",
    "at",
    "actor_id",
    "actor_name",
    "action",
    "outcome",
    "document_id",
    "customer_id",
    "ip",
    "user_agent",
    "details",
    "prev_hash",
    "hash",
)
BATCH_SIZE = 2000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def export_lines(events: QuerySet[AuditEvent], fmt: str) -> Iterator[str]:
    """The export as text chunks; `events` may be filtered (its order is replaced)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    if fmt == "csv":
        yield "\ufeff" + _csv_line(COLUMNS)
    for record in _records(events):
        if fmt == "jsonl":
            yield json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
        else:
            yield _csv_line([_csv_cell(record[name]) for name in COLUMNS])


def _records(events: QuerySet[AuditEvent]) -> Iterator[dict]:
    """Keyset batches in seq order, so a million events never sit in memory at once."""
    ordered = events.order_by("seq")
    last = None
    while True:
        batch = ordered if last is None else ordered.filter(seq__gt=last)
        rows = list(batch.values_list(*CANONICAL_FIELDS, "hash")[:BATCH_SIZE])
        for row in rows:
            yield {**canonical_dict(row_values(row[:-1])), "hash": row[-1]}
        if len(rows) < BATCH_SIZE:
            return
        last = rows[-1][0]


def _csv_cell(value: object) -> object:
    if isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return "" if value is None else value


def _csv_line(cells: object) -> str:
    out = io.StringIO()
    csv.writer(out).writerow(cells)
    return out.getvalue()
