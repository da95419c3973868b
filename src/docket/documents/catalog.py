"""Writes to the catalogue that documents are filed under: document types and tags. Each
change needs `manage_catalog` and is recorded in the audit trail (SETTINGS_CHANGE)."""

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext_noop as _

from docket.access.models import Capability
from docket.access.rules import check_capability
from docket.audit.models import AuditEvent
from docket.audit.services import audit_record
from docket.core.errors import Conflict, InvalidInput
from docket.core.notices import Notice
from docket.documents.models import DocumentType, Tag

DOCUMENT_TYPE_FIELDS = ("name", "code", "number_pattern", "naming_template")
COLOR = re.compile(r"#[0-9a-fA-F]{6}")
DEFAULT_TAG_COLOR = "#3b82f6"
NEEDS = {"name": _("a document type needs a name"), "code": _("a document type needs a code")}
TAG_NEEDS_NAME = Notice(_("a tag needs a name"))


def _check_lengths(instance: DocumentType | Tag, fields: tuple[str, ...]) -> None:
    for name in fields:
        limit = instance._meta.get_field(name).max_length
        if limit is not None and len(getattr(instance, name)) > limit:
            raise InvalidInput(
                Notice(_("%(name)s is longer than %(limit)s characters"), name=name, limit=limit),
                field=name,
            )


def _check_formats(document_type: DocumentType) -> None:
    """The naming rule and the archive number pattern format (nothing about other types)."""
    from docket.documents.naming import validate_template

    for field in ("name", "code"):
        if not getattr(document_type, field):
            raise InvalidInput(Notice(NEEDS[field]), field=field)
    _check_lengths(document_type, DOCUMENT_TYPE_FIELDS)
    try:
        validate_template(document_type.naming_template)
    except ValueError as exc:
        raise InvalidInput(str(exc), field="naming_template") from exc
    pattern = document_type.number_pattern
    if "{seq" not in pattern:
        raise InvalidInput(
            Notice(_("an archive number pattern needs {seq}")), field="number_pattern"
        )
    try:
        pattern.format(code=document_type.code, year=2023, seq=1)
    except (KeyError, ValueError, IndexError, AttributeError) as exc:
        raise InvalidInput(
            Notice(
                _("the pattern does not format: %(detail)s (fields: code, year, seq)"),
                detail=str(exc),
            ),
            field="number_pattern",
        ) from exc


def _validate_document_type(document_type: DocumentType) -> None:
    _check_formats(document_type)
    clash = DocumentType.objects.filter(name=document_type.name) | DocumentType.objects.filter(
        code=document_type.code
    )
    if clash.exclude(pk=document_type.pk).exists():
        raise Conflict(
            Notice(
                _("a document type named %(name)s or coded %(code)s exists"),
                name=repr(document_type.name),
                code=repr(document_type.code),
            )
        )


@transaction.atomic
def document_type_create(
    *, actor: AbstractBaseUser | None, name: str, code: str, **fields: Any
) -> DocumentType:
    check_capability(actor, Capability.MANAGE_CATALOG)
    document_type = DocumentType(name=name.strip(), code=code.strip(), **fields)
    _validate_document_type(document_type)
    document_type.save()
    _record(actor, "document_type_created", document_type=document_type.name)
    return document_type


@transaction.atomic
def document_type_update(
    *, actor: AbstractBaseUser | None, document_type: DocumentType, **fields: Any
) -> DocumentType:
    """Edit a type. Archive numbers already issued keep the pattern they were made with."""
    check_capability(actor, Capability.MANAGE_CATALOG)
    if unknown := set(fields) - set(DOCUMENT_TYPE_FIELDS):
        raise InvalidInput(
            Notice(_("unknown document type fields: %(fields)s"), fields=", ".join(sorted(unknown)))
        )
    before = {key: getattr(document_type, key) for key in fields}
    for key, value in fields.items():
        setattr(document_type, key, value.strip() if isinstance(value, str) else value)
    _validate_document_type(document_type)
    document_type.save()
    changed = sorted(key for key in fields if before[key] != getattr(document_type, key))
    _record(actor, "document_type_updated", document_type=document_type.name, fields=changed)
    return document_type


@dataclass(frozen=True)
class TypePreview:
    """What a type's pattern and rule make of an example document."""

    archive_number: str
    file_name: str


PREVIEW_CUSTOMER = "上海ABC贸易有限公司"
PREVIEW_TITLE = "购销合同"
PREVIEW_DATE = datetime.date(2023, 1, 1)


def document_type_preview(
    *,
    actor: AbstractBaseUser | None,
    name: str,
    code: str,
    number_pattern: str,
    naming_template: str,
) -> TypePreview:
    """The archive number and file name an example document (上海ABC贸易有限公司's 购销合同 of
    2023年1月1日, the year's first) would get; InvalidInput as document_type_create would
    raise it. Nothing is saved."""
    from docket.customers.models import Customer
    from docket.documents.models import Document
    from docket.documents.naming import download_name

    check_capability(actor, Capability.MANAGE_CATALOG)
    document_type = DocumentType(
        name=name.strip(),
        code=code.strip(),
        number_pattern=number_pattern.strip(),
        naming_template=naming_template.strip(),
    )
    _check_formats(document_type)
    archive_number = document_type.number_pattern.format(
        code=document_type.code, year=PREVIEW_DATE.year, seq=1
    )
    example = Document(
        customer=Customer(name=PREVIEW_CUSTOMER),
        document_type=document_type,
        title=PREVIEW_TITLE,
        document_date=PREVIEW_DATE,
        archive_number=archive_number,
    )
    return TypePreview(archive_number, download_name(example, original_name="example.pdf"))


def tag_get_or_create(*, actor: AbstractBaseUser | None, name: str, color: str = "") -> Tag:
    name = name.strip()
    if not name:
        raise InvalidInput(TAG_NEEDS_NAME, field="tags")
    tag, _created = Tag.objects.get_or_create(
        name=name, defaults={"color": color or DEFAULT_TAG_COLOR}
    )
    return tag


def _check_tag(tag: Tag) -> None:
    if not tag.name:
        raise InvalidInput(TAG_NEEDS_NAME, field="name")
    _check_lengths(tag, ("name",))
    if not COLOR.fullmatch(tag.color):
        raise InvalidInput(Notice(_("a colour is written #rrggbb")), field="color")
    tag.color = tag.color.lower()
    if Tag.objects.filter(name=tag.name).exclude(pk=tag.pk).exists():
        raise Conflict(Notice(_("a tag named %(name)s exists"), name=repr(tag.name)), field="name")


@transaction.atomic
def tag_create(*, actor: AbstractBaseUser | None, name: str, color: str = DEFAULT_TAG_COLOR) -> Tag:
    check_capability(actor, Capability.MANAGE_CATALOG)
    tag = Tag(name=name.strip(), color=color.strip())
    _check_tag(tag)
    tag.save()
    _record(actor, "tag_created", tag=tag.name, color=tag.color)
    return tag


@transaction.atomic
def tag_update(
    *, actor: AbstractBaseUser | None, tag: Tag, name: str | None = None, color: str | None = None
) -> Tag:
    """Rename or recolour a tag. A new name reaches the search entries of its documents."""
    check_capability(actor, Capability.MANAGE_CATALOG)
    old_name, old_color = tag.name, tag.color
    changed = Tag(
        pk=tag.pk,
        name=tag.name if name is None else name.strip(),
        color=tag.color if color is None else color.strip(),
    )
    _check_tag(changed)  # before `tag` changes: a refused change leaves it as it was
    tag.name, tag.color = changed.name, changed.color
    tag.save()
    if tag.name != old_name:
        _reindex_tagged(tag)
    _record(
        actor, "tag_updated", tag=tag.name, old_name=old_name, color=tag.color, old_color=old_color
    )
    return tag


@transaction.atomic
def tag_delete(*, actor: AbstractBaseUser | None, tag: Tag) -> int:
    """Delete a tag: it comes off every document carrying it (their search entries follow).
    Returns how many documents (in the trash or not) carried it."""
    check_capability(actor, Capability.MANAGE_CATALOG)
    document_ids = _tagged(tag)
    _record(actor, "tag_deleted", tag=tag.name, documents=len(document_ids))
    tag.delete()
    _reindex(document_ids)
    return len(document_ids)


def _tagged(tag: Tag) -> list[int]:
    """Ids of the documents carrying the tag, trashed ones too (they have entries as well)."""
    through = Tag.documents.through.objects  # type: ignore[attr-defined]
    return list(through.filter(tag_id=tag.pk).values_list("document_id", flat=True))


def _reindex_tagged(tag: Tag) -> None:
    _reindex(_tagged(tag))


def _reindex(document_ids: list[int]) -> None:
    from docket.search.indexer import index_documents

    if document_ids:
        index_documents(document_ids)


def _record(actor: AbstractBaseUser | None, change: str, **details: object) -> None:
    audit_record(
        action=AuditEvent.Action.SETTINGS_CHANGE, actor=actor, details={"change": change, **details}
    )
