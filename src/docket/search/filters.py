"""Filters of a search, from the API's parameters or the query's field syntax
(`customer:ABC type:合同 date:2023`), as Q objects on documents. A value that names nothing
gives a notice, never an error: the search runs with what could be understood."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _

from docket.access.models import Permission
from docket.access.rules import customers_q
from docket.core.notices import Notice
from docket.customers.selectors import customers_matching
from docket.documents.models import SEEDED_TYPE_NAMES, Document, DocumentType, Tag
from docket.search.dates import DateRange, parse_date_value
from docket.search.hints import date_hint, hinted, type_q
from docket.search.query import FieldFilter

MAX_CUSTOMERS = 50  # a name fragment matching more customers than this is too vague to filter


@dataclass
class Understood:
    """One thing the query was read as, for the response ("customer 上海ABC贸易有限公司")."""

    kind: str  # customer | type | tag | status | date | created | by | number
    text: str  # as the user wrote it
    values: list[dict] = field(default_factory=list)  # [{"id":…, "name":…}] or [{"start":…}]


@dataclass
class Resolved:
    q: Q
    understood: Understood | None = None
    notice: str = ""


def document_date_q(start: datetime.date | None, end: datetime.date | None) -> Q:
    """Documents dated in the range; undated ones by the day they were uploaded."""
    dated, uploaded = Q(document_date__isnull=False), Q(document_date__isnull=True)
    if start:
        dated &= Q(document_date__gte=start)
        uploaded &= Q(created_at__date__gte=start)
    if end:
        dated &= Q(document_date__lte=end)
        uploaded &= Q(created_at__date__lte=end)
    hint = date_hint(start, end)
    return hinted(dated | uploaded, hint) if hint else dated | uploaded


def created_q(start: datetime.date | None, end: datetime.date | None) -> Q:
    q = Q()
    if start:
        q &= Q(created_at__date__gte=start)
    if end:
        q &= Q(created_at__date__lte=end)
    return q


def tag_q(tag_ids: list[int]) -> Q:
    through = Document.tags.through.objects.filter(tag_id__in=tag_ids)
    return Q(id__in=through.values("document_id"))


def resolve_customer(text: str, user: AbstractBaseUser) -> Resolved | None:
    """The customers the user may see that the text names (never one they may not: the
    names would show in `understood`)."""
    matching = customers_matching(text).filter(customers_q(user, Permission.VIEW))
    found = list(matching.values("id", "name")[: MAX_CUSTOMERS + 1])
    if not found or len(found) > MAX_CUSTOMERS:
        return None
    understood = Understood("customer", text, found)
    return Resolved(Q(customer_id__in=[c["id"] for c in found]), understood)


def resolve_type(text: str, *, english: bool = False) -> Resolved | None:
    """The types named by `text` (name or code); `english`: also a seeded type by its
    English name while it keeps the seeded one (type:contract). Plain words are not read in
    English, so a search for "invoice" still finds the word in the text."""
    match = Q(name__iexact=text) | Q(code__iexact=text)
    if english:
        match |= _seeded_type_in_english(text)
    found = list(DocumentType.objects.filter(match).values("id", "name"))
    if not found:
        return None
    understood = Understood("type", text, found)
    return Resolved(type_q([t["id"] for t in found]), understood)


def _seeded_type_in_english(text: str) -> Q:
    """The seeded types whose English name (SEEDED_TYPE_NAMES) is `text`."""
    with translation.override("en"):
        codes = [
            c
            for c, name in SEEDED_TYPE_NAMES.items()
            if gettext(name).casefold() == text.casefold()
        ]
    q = Q(pk__in=[])
    for code in codes:
        q |= Q(code=code, name=SEEDED_TYPE_NAMES[code])
    return q


def _type_field(text: str) -> Resolved | None:
    return resolve_type(text, english=True)


def _tag(text: str) -> Resolved | None:
    found = list(Tag.objects.filter(name__iexact=text).values("id", "name"))
    if not found:
        return None
    return Resolved(tag_q([t["id"] for t in found]), Understood("tag", text, found))


def _status(text: str) -> Resolved | None:
    for value, label in Document.Status.choices:
        if text.casefold() in (value, str(label).casefold()):
            return Resolved(Q(status=value), Understood("status", text, [{"id": value}]))
    return None


def _uploader(text: str) -> Resolved | None:
    users = get_user_model().objects.filter(
        Q(username__iexact=text) | Q(first_name__iexact=text) | Q(last_name__iexact=text)
    )
    found = [{"id": u.id, "name": u.get_username()} for u in users[:10]]
    if not found:
        return None
    understood = Understood("by", text, found)
    return Resolved(Q(created_by_id__in=[u["id"] for u in found]), understood)


def _number(text: str) -> Resolved | None:
    return Resolved(Q(archive_number__icontains=text), Understood("number", text))


def date_understood(kind: str, found: DateRange) -> Understood:
    return Understood(kind, found.text, [{"start": found.start, "end": found.end}])


def _date(kind: str, text: str, today: datetime.date) -> Resolved | None:
    try:
        found = parse_date_value(text, today)
    except ValueError as exc:
        return Resolved(
            Q(),
            notice=Notice(_("%(field)s ignored: %(problem)s"), field=f"{kind}:{text}", problem=exc),
        )
    make_q = document_date_q if kind == "date" else created_q
    return Resolved(make_q(found.start, found.end), date_understood(kind, found))


_RESOLVERS = {
    "type": _type_field,
    "tag": _tag,
    "status": _status,
    "by": _uploader,
    "number": _number,
}


def resolve_field(
    field_filter: FieldFilter, today: datetime.date, user: AbstractBaseUser
) -> Resolved:
    """The Q for one `field:value` of a query. A value that names nothing matches nothing (the
    user asked for that customer), with a notice saying so."""
    name, value = field_filter.field, field_filter.value
    dated = name in ("date", "created")
    if dated:
        resolved = _date(name, value, today)
    elif name == "customer":
        resolved = resolve_customer(value, user)
    else:
        resolved = _RESOLVERS[name](value)
    if resolved is None:
        return Resolved(
            Q(pk__in=[]),
            notice=Notice(_("no %(field)s matches %(value)r"), field=name, value=value),
        )
    if field_filter.negated:
        return Resolved(~resolved.q, resolved.understood, resolved.notice)
    return resolved
