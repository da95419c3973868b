"""Every read of documents that an API or page shows. Each goes through `visible_documents`,
which asks the access rules (docket.access.rules) which documents the user may see."""

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from docket.access.models import Permission
from docket.access.rules import check_document, documents_q
from docket.core.errors import NotFound
from docket.documents.models import Document, DocumentType, Version

# The current version of the document in the outer query, for Subquery annotations.
current_versions = Version.objects.filter(document=OuterRef("pk")).order_by("-number")
_latest_version_number = current_versions.values("number")[:1]


def visible_documents(
    *,
    user: AbstractBaseUser,
    permission: str = Permission.VIEW,
    content: bool = True,
    include_trashed: bool = False,
) -> QuerySet[Document]:
    """The documents on which the user has `permission`. `content=False`: only their
    metadata is asked for (lists, a document's page), see access.rules."""
    manager = Document.all_objects if include_trashed else Document.objects
    return manager.filter(documents_q(user, permission, content=content))


def document_list(
    *,
    user: AbstractBaseUser,
    customer: int | None = None,
    document_type: int | None = None,
    tag: int | None = None,
    status: str | None = None,
    date_after: datetime.date | None = None,
    date_before: datetime.date | None = None,
    trashed: bool = False,
) -> QuerySet[Document]:
    # The trash shows what the user could delete (and so may restore).
    permission = Permission.DELETE if trashed else Permission.VIEW
    qs = visible_documents(user=user, permission=permission, content=False, include_trashed=trashed)
    if trashed:
        qs = qs.filter(deleted_at__isnull=False)
    if customer is not None:
        qs = qs.filter(customer_id=customer)
    if document_type is not None:
        qs = qs.filter(document_type_id=document_type)
    if tag is not None:
        qs = qs.filter(tags__id=tag)
    if status:
        qs = qs.filter(status=status)
    if date_after is not None:
        qs = qs.filter(document_date__gte=date_after)
    if date_before is not None:
        qs = qs.filter(document_date__lte=date_before)
    return (
        qs.select_related("customer", "document_type", "created_by")
        .prefetch_related("tags")
        .annotate(latest_version=Subquery(_latest_version_number))
    )


def type_display_names(ids: Iterable[int]) -> dict[int, str]:
    """These types' names as a page shows them (DocumentType.display_name), for rows that
    carry a type's id and stored name (search facets, ingest suggestions). One query."""
    ids = set(ids)
    if not ids:
        return {}
    types = DocumentType.objects.filter(id__in=ids).only("id", "code", "name")
    return {document_type.id: document_type.display_name for document_type in types}


def document_get(
    *,
    user: AbstractBaseUser,
    document_id: int,
    permission: str = Permission.VIEW,
    content: bool = True,
    include_trashed: bool = False,
) -> Document:
    """The document, if the user may do `permission` with it (with its content, unless
    `content=False`). NotFound if they may not see it at all, Forbidden if they may see it
    but not do this."""
    document = (
        visible_documents(user=user, content=False, include_trashed=include_trashed)
        .select_related("customer", "document_type")
        .filter(id=document_id)
        .first()
    )
    if document is None:
        raise NotFound(f"no document {document_id}")
    if permission != Permission.VIEW or content:
        check_document(user, permission, document)
    return document


def current_version(document: Document) -> Version:
    version = document.versions.order_by("-number").first()
    if version is None:
        raise NotFound(f"document {document.archive_number} has no versions")
    return version


def version_get(*, document: Document, number: int) -> Version:
    version = document.versions.filter(number=number).first()
    if version is None:
        raise NotFound(f"document {document.archive_number} has no version {number}")
    return version


def checked_out_by(*, user: AbstractBaseUser) -> QuerySet[Document]:
    """The documents the user holds checked out (locks not yet expired), oldest lock first."""
    return (
        visible_documents(user=user, content=False)
        .filter(checkout__user=user, checkout__expires_at__gt=timezone.now())
        .select_related("customer", "document_type", "checkout")
        .order_by("checkout__checked_out_at")
    )
