"""The naming rule (命名规则): a template per document type that makes the name a document
is stored and downloaded under, e.g. {customer}_{type}_{date:%Y%m%d} gives
上海ABC贸易有限公司_合同_20230101.pdf.

A document's rule-made stem is kept on it (`Document.file_stem`), unique within its customer:
a second 上海ABC贸易有限公司_合同_20230101 becomes …_20230101_2. The extension comes from the
version being served. Changing a rule changes nothing until it is applied
(`naming_rule_apply`, audited), so names people have seen do not move under them. `off_rule`
lists the documents applying would rename; `nonconforming` those uploaded under names off
the rule (what `docket naming report` prints)."""

import datetime
import re
import string
from collections.abc import Iterator
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Count, QuerySet

from docket.access.models import Capability
from docket.access.rules import check_capability
from docket.audit.models import AuditEvent
from docket.audit.services import audit_record
from docket.documents.filenames import MAX_NAME_BYTES, extension_of, safe_filename
from docket.documents.models import Document, DocumentType

FIELDS = {"customer", "type", "date", "title", "archive_number"}
NUMBER = re.compile(r"[1-9][0-9]*")  # a conflict's suffix: _2, _3 …
STEM_BYTES = MAX_NAME_BYTES - 20  # room for a numbered suffix and an extension


def rule_stem(document: Document) -> str:
    """What the type's rule makes of this document, before any numbered suffix."""
    return _stem(
        document.document_type.naming_template,
        customer=document.customer.name,
        type_name=document.document_type.name,
        date=document.document_date or document.created_at.date(),
        title=document.title,
        archive_number=document.archive_number,
    )


def _stem(
    template: str,
    *,
    customer: str,
    type_name: str,
    date: datetime.date,
    title: str,
    archive_number: str,
) -> str:
    values = {
        "customer": customer,
        "type": type_name,
        "date": date,
        "title": title,
        "archive_number": archive_number,
    }
    try:
        stem = template.format_map(values)  # str.format's C code: scans call it per document
    except (KeyError, ValueError, IndexError, AttributeError, TypeError):
        stem = f"{customer}_{type_name}_{date:%Y%m%d}"
    stem = stem.replace("/", "_").replace("\\", "_")  # a value's slash is not a folder
    return safe_filename(stem, max_bytes=STEM_BYTES)


def assign_file_stem(document: Document) -> str:
    """Give the document its rule-made stem, numbered if another of the customer's documents
    has it. Call inside the transaction that saves the document."""
    stem = _numbered(document, rule_stem(document))
    document.file_stem = stem
    Document.all_objects.filter(pk=document.pk).update(file_stem=stem)
    return stem


def _numbered(
    document: "Document | Named", base: str, moved: dict[int, tuple[int, str]] | None = None
) -> str:
    """`base`, or base_2, base_3 … if another of the customer's documents has it. `moved`
    holds stems given in a run not (yet) written: {document id: (customer id, stem)}."""
    moved = moved or {}
    rows = (
        Document.all_objects.filter(customer_id=document.customer_id, file_stem__startswith=base)
        .exclude(pk=document.pk)
        .values_list("pk", "file_stem")
    )
    taken = {stem for pk, stem in rows if pk not in moved}
    taken |= {stem for customer, stem in moved.values() if customer == document.customer_id}
    stem, n = base, 2
    while stem in taken:
        stem, n = f"{base}_{n}", n + 1
    return stem


def _follows(document: "Named", base: str) -> bool:
    """Whether the document's stem is the rule's, or the rule's numbered because another of
    its customer's documents had it. A number never exceeds the customer's count of
    documents (`customer_documents`, from _scan): so the date at the end of a name made by
    {customer}_{type}_{date:%Y%m%d} is no number once the rule is {customer}_{type}."""
    stem = document.file_stem
    if stem == base:
        return True
    suffix = stem[len(base) + 1 :] if stem.startswith(f"{base}_") else ""
    return bool(NUMBER.fullmatch(suffix)) and 2 <= int(suffix) <= document.customer_documents


def download_name(document: Document, *, original_name: str) -> str:
    stem = document.file_stem or rule_stem(document)
    ext = extension_of(original_name)
    return safe_filename(f"{stem}.{ext}" if ext else stem)


def validate_template(template: str) -> None:
    """Raises ValueError when a template names an unknown field or does not format."""
    for _, field, _, _ in string.Formatter().parse(template):
        if field is not None and field not in FIELDS:
            raise ValueError(f"unknown field {{{field}}} (known: {', '.join(sorted(FIELDS))})")
    string.Formatter().vformat(
        template, (), dict.fromkeys(FIELDS, "x") | {"date": datetime.date(2023, 1, 1)}
    )


@dataclass(frozen=True)
class NameReport:
    document_id: int
    archive_number: str
    uploaded_name: str
    rule_name: str


def _with_first_version(documents: QuerySet[Document]) -> QuerySet[Document]:
    return documents.select_related("customer", "document_type").prefetch_related("versions")


def nonconforming(documents: QuerySet[Document]) -> list[NameReport]:
    """Documents whose uploaded file name did not follow their type's rule."""
    found = []
    for document in _with_first_version(documents).order_by("id"):
        versions = sorted(document.versions.all(), key=lambda v: v.number)
        if not versions:
            continue
        uploaded = safe_filename(versions[0].original_name)
        stem = uploaded.rsplit(".", 1)[0] if "." in uploaded else uploaded
        if stem != rule_stem(document):
            found.append(
                NameReport(
                    document.id,
                    document.archive_number,
                    uploaded,
                    download_name(document, original_name=uploaded),
                )
            )
    return found


# Documents read a batch at a time when a whole type is gone through (keyset on id), as
# plain rows: a type may hold 100,000 documents, and building a model for each cost more
# than everything else the scan does.
SCAN_BATCH = 2000
SCAN_COLUMNS = ("id", "customer_id", "file_stem", "title", "archive_number", "deleted_at")
SCAN_COLUMNS += ("document_date", "created_at", "customer__name", "document_type__name")
SCAN_COLUMNS += ("document_type__naming_template",)


@dataclass(frozen=True)
class Named:
    """A document as a scan of its type reads it: what the pages show, and its rule-made
    stem (`rule_stem`) before any numbered suffix."""

    id: int
    customer_id: int
    file_stem: str
    title: str
    archive_number: str
    deleted_at: datetime.datetime | None
    rule_stem: str
    customer_documents: int  # how many documents its customer has (see _follows)

    @property
    def pk(self) -> int:
        return self.id


@dataclass(frozen=True)
class OffRule:
    documents: list[Named]
    next_after: int | None  # the id to go on from; None when there are no more


@dataclass(frozen=True)
class Rename:
    document_id: int
    old: str
    new: str


@dataclass(frozen=True)
class Renaming:
    renames: list[Rename]
    more: bool  # stopped at the limit with documents still off the rule

    @property
    def changes(self) -> list[tuple[str, str]]:
        return [(r.old, r.new) for r in self.renames]


def _scan(documents: QuerySet[Document], *, after: int = 0) -> Iterator[Named]:
    """The documents in id order past `after`, with their rule-made stems, a batch at a
    time, so a type with 100,000 documents never sits in memory at once."""
    ordered = documents.order_by("id").values_list(*SCAN_COLUMNS)
    while True:
        batch = list(ordered.filter(id__gt=after)[:SCAN_BATCH])
        counts = dict(
            Document.all_objects.filter(customer_id__in={row[1] for row in batch})
            .values("customer_id")
            .annotate(n=Count("id"))
            .values_list("customer_id", "n")
        )
        for pk, customer_id, file_stem, title, number, deleted_at, *rest in batch:
            date, created_at, customer, type_name, template = rest
            stem = _stem(
                template,
                customer=customer,
                type_name=type_name,
                date=date or created_at.date(),
                title=title,
                archive_number=number,
            )
            count = counts.get(customer_id, 0)
            yield Named(pk, customer_id, file_stem, title, number, deleted_at, stem, count)
        if len(batch) < SCAN_BATCH:
            return
        after = batch[-1][0]


def off_rule(documents: QuerySet[Document], *, after: int = 0, limit: int) -> OffRule:
    """Up to `limit` of the documents whose name (file_stem) the rule would change, in id
    order past `after`: those a rule changed since they were named, and any never named."""
    found: list[Document] = []
    for document in _scan(documents, after=after):
        if _follows(document, document.rule_stem):
            continue
        if len(found) == limit:
            return OffRule(found, next_after=found[-1].id)
        found.append(document)
    return OffRule(found, next_after=None)


def count_off_rule(documents: QuerySet[Document]) -> int:
    return sum(not _follows(d, d.rule_stem) for d in _scan(documents))


def _rename(documents: QuerySet[Document], *, limit: int | None, write: bool) -> Renaming:
    """Give the documents off the rule their rule-made stems, in id order, numbered on
    conflicts exactly as applying would (a dry run, `write=False`, only works them out)."""
    renames: list[Rename] = []
    moved: dict[int, tuple[int, str]] = {}
    for document in _scan(documents):
        base = document.rule_stem
        if _follows(document, base):
            continue
        if limit is not None and len(renames) == limit:
            return Renaming(renames, more=True)
        stem = _numbered(document, base, moved)
        if write:
            Document.all_objects.filter(pk=document.pk).update(file_stem=stem)
        moved[document.pk] = (document.customer_id, stem)
        renames.append(Rename(document.pk, document.file_stem, stem))
    return Renaming(renames, more=False)


@transaction.atomic
def naming_rule_apply(
    *,
    actor: AbstractBaseUser | None,
    document_type: DocumentType,
    dry_run: bool = False,
    limit: int | None = None,
) -> Renaming:
    """Rename a type's documents (trashed ones too) under its current rule, at most `limit`
    of them, first ids first; recorded in the audit trail. Needs `manage_catalog`. A dry run
    changes and records nothing and says what applying would do."""
    check_capability(actor, Capability.MANAGE_CATALOG)
    documents = Document.all_objects.filter(document_type=document_type)
    renaming = _rename(documents, limit=limit, write=not dry_run)
    if not dry_run:
        audit_record(
            action=AuditEvent.Action.SETTINGS_CHANGE,
            actor=actor,
            details={
                "change": "naming_rule_applied",
                "document_type": document_type.name,
                "rule": document_type.naming_template,
                "renamed": len(renaming.renames),
                "more": renaming.more,
            },
        )
    return renaming
