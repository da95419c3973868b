"""The naming rule (命名规则): a template per document type that makes the name a document
is stored and downloaded under, e.g. {customer}_{type}_{date:%Y%m%d} gives
上海ABC贸易有限公司_合同_20230101.pdf."""

import datetime
import string

from docket.documents.filenames import extension_of, safe_filename
from docket.documents.models import Document

FIELDS = {"customer", "type", "date", "title", "archive_number"}


def render_name(document: Document, *, original_name: str) -> str:
    template = document.document_type.naming_template
    date = document.document_date or document.created_at.date()
    values = {
        "customer": document.customer.name,
        "type": document.document_type.name,
        "date": date,
        "title": document.title,
        "archive_number": document.archive_number,
    }
    try:
        stem = string.Formatter().vformat(template, (), values)
    except (KeyError, ValueError, IndexError, AttributeError):
        stem = f"{document.customer.name}_{document.document_type.name}_{date:%Y%m%d}"
    stem = stem.replace("/", "_").replace("\\", "_")  # a value's slash is not a folder
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
