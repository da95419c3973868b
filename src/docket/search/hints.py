"""Filter hints: facts about a document (its type, its year) that its index entry holds beside
its words, so that PostgreSQL's GIN index can intersect a type or date filter with the words
before a row is read. Without them a mid word with a type and a year read every match below
the newest and looked each one up in the documents to filter it.

A hint only narrows. The filter itself is still checked on every row, so a document's hints
may name more than its filters would accept, never less: an undated document is filtered by its
upload day in the server's time zone, so it carries the years of both ends of that instant's
widest span of local days (UTC-12 to UTC+14).
"""

import datetime
from collections.abc import Iterable, Sequence

from django.db.models import Q

LOCAL_SPAN = (datetime.timedelta(hours=-12), datetime.timedelta(hours=14))
MAX_YEARS = 20  # a date range over more years than this gives no hint


def document_hints(
    type_id: int, document_date: datetime.date | None, created_at: datetime.datetime
) -> frozenset[str]:
    """The hints an entry holds for its document."""
    if document_date is not None:
        years = {document_date.year}
    else:
        utc = created_at.astimezone(datetime.UTC)
        years = {(utc + offset).year for offset in LOCAL_SPAN}
    return frozenset({type_hint(type_id), *(year_hint(year) for year in years)})


def type_hint(type_id: int) -> str:
    return f"type{type_id}"


def year_hint(year: int) -> str:
    return f"year{year}"


class HintedQ(Q):
    """A filter with the hints of the documents it may accept: any one of `index_hint`. The
    hint is an attribute of this object only, so a negated or combined copy has none."""

    index_hint: frozenset[str] | None = None


def hinted(q: Q, hint: Iterable[str]) -> Q:
    """`q`, able to tell the index that what it accepts holds one of these hints."""
    wrapped = HintedQ(q)
    wrapped.index_hint = frozenset(hint)
    return wrapped


def type_q(type_ids: Sequence[int]) -> Q:
    return hinted(Q(document_type_id__in=type_ids), [type_hint(i) for i in type_ids])


def date_hint(start: datetime.date | None, end: datetime.date | None) -> frozenset[str] | None:
    """The years a date range covers, if it is closed and not too long."""
    if start is None or end is None or not 0 <= end.year - start.year < MAX_YEARS:
        return None
    return frozenset(year_hint(year) for year in range(start.year, end.year + 1))


def filter_hints(filters: Iterable[Q]) -> list[frozenset[str]]:
    """What every document that passes all these filters holds: one of each set's hints."""
    return [
        q.index_hint
        for q in filters
        if isinstance(q, HintedQ) and not q.negated and q.index_hint  # none: matches nothing
    ]
