"""The naming rule (命名规则): a template per document type that makes the name a document
is stored and downloaded under, e.g. {customer}_{type}_{date:%Y%m%d} gives
上海ABC贸易有限公司_合同_20230101.pdf.

A document's rule-made stem is kept on it (`Document.file_stem`), unique within its customer:
a second 上海ABC贸易有限公司_合同_20230101 becomes …_20230101_2. The extension comes from the
version being served. Changing a rule changes nothing until it is applied (`apply_rule`),
so names people have seen do not move under them."""

import datetime
import string
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet

from docket.documents.filenames import MAX_NAME_BYTES, extension_of, safe_filename
from docket.documents.models import Document, DocumentType

FIELDS = {"customer", "type", "date", "title", "archive_number"}
STEM_BYTES = MAX_NAME_BYTES - 20  # room for a numbered suffix and an extension


def rule_stem(document: Document) -> str:
    """What the type's rule makes of this document, before any numbered suffix."""
    date = document.document_date or document.created_at.date()
    values = {
        "customer": document.customer.name,
        "type": document.document_type.name,
        "date": date,
        "title": document.title,
        "archive_number": document.archive_number,
    }
    try:
        stem = string.Formatter().vformat(document.document_type.naming_template, (), values)
    except (KeyError, ValueError, IndexError, AttributeError):
        stem = f"{document.customer.name}_{document.document_type.name}_{date:%Y%m%d}"
    stem = stem.replace("/", "_").replace("\\", "_")  # a value's slash is not a folder
    return safe_filename(stem, max_bytes=STEM_BYTES)


def assign_file_stem(document: Document) -> str:
    """Give the document its rule-made stem, numbered if another of the customer's documents
    has it. Call inside the transaction that saves the document."""
    base = rule_stem(document)
    taken = set(
        Document.all_objects.filter(customer_id=document.customer_id, file_stem__startswith=base)
        .exclude(pk=document.pk)
        .values_list("file_stem", flat=True)
    )
    stem, n = base, 2
    while stem in taken:
        stem, n = f"{base}_{n}", n + 1
    document.file_stem = stem
    Document.all_objects.filter(pk=document.pk).update(file_stem=stem)
    return stem


def _follows(stem: str, base: str) -> bool:
    """Whether a stem is the rule's, or the rule's with a numbered suffix."""
    return stem == base or (stem.startswith(f"{base}_") and stem[len(base) + 1 :].isdigit())


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


def apply_rule(document_type: DocumentType, *, dry_run: bool = False) -> list[tuple[str, str]]:
    """Re-make the stems of a type's documents under its current rule. Returns (old, new)."""
    changes = []
    with transaction.atomic():
        documents = Document.all_objects.filter(document_type=document_type)
        for document in _with_first_version(documents).order_by("id"):
            if _follows(document.file_stem, rule_stem(document)):
                continue
            old = document.file_stem
            new = old if dry_run else assign_file_stem(document)
            changes.append((old, rule_stem(document) if dry_run else new))
        if dry_run:
            transaction.set_rollback(True)
    return changes
