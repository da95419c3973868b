"""The hash chain's one definition, shared by the writer (services.py), the verifier and exports.

    hash = sha256(prev_hash + canonical_content)

canonical_content is the JSON of every field except `hash`, with sorted keys, no spaces and
non-ASCII characters as themselves (UTF-8). It must come out byte for byte the same from what
SQLite and PostgreSQL give back, so:
- `at` is written as UTC with all six microsecond digits (isoformat drops them when zero);
- ids are integers or null, never strings;
- details are cleaned before they are stored (`clean_details`): keys become strings, NUL
  characters go (PostgreSQL refuses them), floats become their text (jsonb prints 1e16 back
  as the integer 10000000000000000), anything else JSON lacks becomes its str();
- key order does not matter: jsonb reorders keys, and sort_keys puts them back.
"""

import datetime
import hashlib
import ipaddress
import json
from collections.abc import Iterable
from typing import Any

__all__ = [
    "CANONICAL_FIELDS",
    "canonical_content",
    "canonical_dict",
    "chain_hash",
    "clean_details",
    "clean_ip",
    "clean_text",
    "format_at",
    "row_values",
]

# The event's columns that its hash covers, in the order exports print them. The canonical
# JSON calls actor_uid "actor_id": it is the id of the acting user as recorded.
CANONICAL_FIELDS = (
    "seq",
    "at",
    "actor_uid",
    "actor_name",
    "action",
    "outcome",
    "document_id",
    "customer_id",
    "ip",
    "user_agent",
    "details",
    "prev_hash",
)


def format_at(at: datetime.datetime) -> str:
    return at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)


def canonical_dict(values: dict[str, Any]) -> dict[str, Any]:
    """The hashed content of an event given as a mapping of CANONICAL_FIELDS to values."""
    return {
        "seq": int(values["seq"]),
        "at": format_at(values["at"]),
        "actor_id": _int_or_none(values["actor_uid"]),
        "actor_name": values["actor_name"],
        "action": values["action"],
        "outcome": values["outcome"],
        "document_id": _int_or_none(values["document_id"]),
        "customer_id": _int_or_none(values["customer_id"]),
        "ip": values["ip"],
        "user_agent": values["user_agent"],
        "details": values["details"],
        "prev_hash": values["prev_hash"],
    }


def canonical_content(values: dict[str, Any]) -> str:
    return json.dumps(
        canonical_dict(values), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )


def chain_hash(values: dict[str, Any]) -> str:
    content = canonical_content(values)
    return hashlib.sha256((values["prev_hash"] + content).encode("utf-8")).hexdigest()


def row_values(row: Iterable[Any]) -> dict[str, Any]:
    """A `values_list(*CANONICAL_FIELDS)` row as the mapping chain_hash takes."""
    return dict(zip(CANONICAL_FIELDS, row, strict=True))


def clean_text(value: Any, max_length: int) -> str:
    """Text as both databases store it: no NUL, no lone surrogates, at most max_length."""
    text = "" if value is None else str(value)
    text = text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
    return text[:max_length]


def clean_ip(value: Any) -> str:
    try:
        return str(ipaddress.ip_address(str(value or "").strip()))
    except ValueError:
        return ""


def clean_details(details: dict[str, Any] | None) -> dict[str, Any]:
    if not details:
        return {}
    # A round trip through JSON turns tuples into lists and keys into strings; default=str
    # writes dates, Decimals and UUIDs as text.
    plain = json.loads(json.dumps(details, default=str, allow_nan=True))
    return _clean_value(plain)


def _clean_value(value: Any) -> Any:
    if isinstance(value, dict):
        return {clean_text(k, 10_000): _clean_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean_value(v) for v in value]
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return clean_text(value, 1_000_000)
    return value
