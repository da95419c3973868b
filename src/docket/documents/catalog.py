"""Writes to the catalogue that documents are filed under: document types and tags."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from docket.access.models import Capability
from docket.access.rules import check_capability
from docket.core.errors import Conflict, InvalidInput
from docket.documents.models import DocumentType, Tag

DOCUMENT_TYPE_FIELDS = ("name", "code", "number_pattern", "naming_template")


def _validate_document_type(document_type: DocumentType) -> None:
    from docket.documents.naming import validate_template

    try:
        validate_template(document_type.naming_template)
    except ValueError as exc:
        raise InvalidInput(str(exc), field="naming_template") from exc
    pattern = document_type.number_pattern
    if "{seq" not in pattern:
        raise InvalidInput("an archive number pattern needs {seq}", field="number_pattern")
    try:
        pattern.format(code=document_type.code, year=2023, seq=1)
    except (KeyError, ValueError, IndexError) as exc:
        raise InvalidInput(
            f"the pattern does not format: {exc} (fields: code, year, seq)", field="number_pattern"
        ) from exc
    clash = DocumentType.objects.filter(name=document_type.name) | DocumentType.objects.filter(
        code=document_type.code
    )
    if clash.exclude(pk=document_type.pk).exists():
        raise Conflict(
            f"a document type named {document_type.name!r} or coded {document_type.code!r} exists"
        )


@transaction.atomic
def document_type_create(
    *, actor: AbstractBaseUser | None, name: str, code: str, **fields: Any
) -> DocumentType:
    check_capability(actor, Capability.MANAGE_CATALOG)
    document_type = DocumentType(name=name.strip(), code=code.strip(), **fields)
    _validate_document_type(document_type)
    document_type.save()
    return document_type


@transaction.atomic
def document_type_update(
    *, actor: AbstractBaseUser | None, document_type: DocumentType, **fields: Any
) -> DocumentType:
    """Edit a type. Archive numbers already issued keep the pattern they were made with."""
    check_capability(actor, Capability.MANAGE_CATALOG)
    unknown = set(fields) - set(DOCUMENT_TYPE_FIELDS)
    if unknown:
        raise InvalidInput(f"unknown document type fields: {', '.join(sorted(unknown))}")
    for key, value in fields.items():
        setattr(document_type, key, value.strip() if isinstance(value, str) else value)
    _validate_document_type(document_type)
    document_type.save()
    return document_type


def tag_get_or_create(*, actor: AbstractBaseUser | None, name: str, color: str = "") -> Tag:
    name = name.strip()
    if not name:
        raise InvalidInput("a tag needs a name", field="tags")
    tag, _ = Tag.objects.get_or_create(name=name, defaults={"color": color or "#3b82f6"})
    return tag
