"""The one place that decides who may do what with documents and customers.

Every list, detail, download, preview, search, facet, export and API response asks here, as a
filter (`documents_q`, `customers_q`) so that the database does the work on lists, or as a
check on one object (`check_document`, `check_customer`). Deny by default:

- A superuser, or a role with the `full_control` capability, may do everything.
- A role gives its `permissions` on the customers of its `scope`: the ones the user owns
  (`own`), the ones owned by anyone in the user's team or its sub-teams (`team`), or all of
  them (`all`); and so on those customers' documents.
- Grants add one permission for a user or a team, on a customer (and all of its documents)
  or on one document.
- Confidentiality: the content of a document above the user's clearance is never shown
  (no preview, download, text, snippet or search match). Its metadata is visible only to a
  role with the `all_metadata` capability (archivists); to anyone else it does not exist.

A user without a role has only their grants. `user=None` is the system (CLI, worker).
"""

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q

from docket.access.models import Capability, Grant, Level, Member, Permission, Scope, Team
from docket.core.errors import Forbidden, NotFound

NOTHING = Q(pk__in=[])
# Not Q(): an empty Q vanishes when OR-ed with another (Q() | Q(a) is Q(a)).
EVERYTHING = Q(pk__isnull=False)


@dataclass(frozen=True)
class Subject:
    """What the rules need to know about a user, read once per request."""

    user_id: int | None
    full_control: bool
    scope: str | None
    permissions: frozenset[str]
    capabilities: frozenset[str]
    team_ids: tuple[int, ...]  # the user's team and its sub-teams
    own_team_id: int | None
    clearance: int

    def has(self, capability: str) -> bool:
        return self.full_control or capability in self.capabilities


ANONYMOUS = Subject(None, False, None, frozenset(), frozenset(), (), None, Level.PUBLIC)
# `user=None` is the installation itself: the CLI and background jobs, run by whoever
# administers the machine (and so has the database anyway).
SYSTEM = Subject(None, True, Scope.ALL, frozenset(), frozenset(), (), None, Level.TOP_SECRET)


def subject_for(user: AbstractBaseUser | None) -> Subject:
    if user is None:
        return SYSTEM
    if not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_access_subject", None)
    if cached is not None:
        return cached
    member = Member.objects.select_related("role").filter(user_id=user.pk).first()
    role = member.role if member else None
    capabilities = frozenset(role.capabilities if role else ())
    team_id = member.team_id if member else None
    subject = Subject(
        user_id=user.pk,
        full_control=user.is_superuser or Capability.FULL_CONTROL in capabilities,
        scope=role.scope if role else None,
        permissions=frozenset(role.permissions if role else ()),
        capabilities=capabilities,
        team_ids=team_and_below(team_id) if team_id else (),
        own_team_id=team_id,
        clearance=member.clearance if member else Level.PUBLIC,
    )
    user._access_subject = subject  # type: ignore[attr-defined]
    return subject


def forget(user: AbstractBaseUser) -> None:
    """Drop what subject_for remembered (after a change of role, team or clearance)."""
    if hasattr(user, "_access_subject"):
        del user._access_subject


def team_and_below(team_id: int) -> tuple[int, ...]:
    """The team and its sub-teams: what a team role covers."""
    children: dict[int | None, list[int]] = {}
    for tid, parent in Team.objects.values_list("id", "parent_id"):
        children.setdefault(parent, []).append(tid)
    found, todo = [], [team_id]
    while todo:
        tid = todo.pop()
        if tid not in found:
            found.append(tid)
            todo += children.get(tid, [])
    return tuple(found)


def _grants(subject: Subject, permission: str) -> Q:
    to_me = Q(user_id=subject.user_id)
    if subject.own_team_id is not None:
        to_me |= Q(team_id=subject.own_team_id)
    return Q(permission=permission) & to_me


def _scope_q(subject: Subject, permission: str, owner_field: str) -> Q:
    """The customers (through `owner_field`, the path to Customer.owner) the role covers."""
    if permission not in subject.permissions or subject.scope is None:
        return NOTHING
    if subject.scope == Scope.ALL:
        return EVERYTHING
    mine = Q(**{owner_field: subject.user_id})
    if subject.scope == Scope.TEAM and subject.team_ids:
        mine |= Q(**{f"{owner_field}__member__team_id__in": subject.team_ids})
    return mine


def documents_q(user: AbstractBaseUser | None, permission: str, *, content: bool = True) -> Q:
    """The documents on which the user has `permission`, as a filter over Document.
    `content=False` asks only about metadata (lists, the document's page without its
    content): then documents above the clearance stay visible to `all_metadata` roles."""
    subject = subject_for(user)
    if subject.full_control:
        return EVERYTHING
    if subject.user_id is None:
        return NOTHING
    grants = Grant.objects.filter(_grants(subject, permission))
    allowed = reduce(
        or_,
        [
            _scope_q(subject, permission, "customer__owner"),
            Q(id__in=grants.filter(document__isnull=False).values("document_id")),
            Q(customer_id__in=grants.filter(customer__isnull=False).values("customer_id")),
        ],
    )
    metadata_only = permission == Permission.VIEW and not content
    if metadata_only and Capability.ALL_METADATA in subject.capabilities:
        return allowed
    return allowed & Q(confidentiality__lte=subject.clearance)


def customers_q(user: AbstractBaseUser | None, permission: str) -> Q:
    """The customers on which the user has `permission`, as a filter over Customer. Seeing a
    customer (VIEW) also follows from seeing any of its documents."""
    subject = subject_for(user)
    if subject.full_control:
        return EVERYTHING
    if subject.user_id is None:
        return NOTHING
    grants = Grant.objects.filter(_grants(subject, permission))
    allowed = _scope_q(subject, permission, "owner") | Q(
        id__in=grants.filter(customer__isnull=False).values("customer_id")
    )
    if permission == Permission.VIEW:
        if Capability.ALL_METADATA in subject.capabilities:
            return EVERYTHING
        from docket.documents.models import Document

        on_documents = Document.objects.filter(documents_q(user, Permission.VIEW))
        allowed |= Q(id__in=on_documents.values("customer_id"))
    return allowed


def ingest_jobs_q(user: AbstractBaseUser | None) -> Q:
    """Ingest jobs (files not yet filed) the user may follow: their own, their team's for a
    team role, and all of them for whoever files for everyone (archivists, administrators)."""
    subject = subject_for(user)
    if subject.has(Capability.MANAGE_ARCHIVE):
        return EVERYTHING
    if subject.user_id is None:
        return NOTHING
    mine = Q(created_by_id=subject.user_id)
    if subject.scope == Scope.TEAM and subject.team_ids:
        mine |= Q(created_by__member__team_id__in=subject.team_ids)
    return mine


def may_document(user: AbstractBaseUser | None, permission: str, document_id: int) -> bool:
    from docket.documents.models import Document

    query = Document.all_objects.filter(documents_q(user, permission), id=document_id)
    return query.exists()


def check_document(user: AbstractBaseUser | None, permission: str, document: object) -> None:
    """Raise NotFound if the user may not even see the document, Forbidden if they may see
    it but not do this."""
    document_id = document.pk  # type: ignore[attr-defined]
    if may_document(user, permission, document_id):
        return
    if permission != Permission.VIEW and may_document(user, Permission.VIEW, document_id):
        raise Forbidden(f"you may not {permission} this document")
    if may_document(user, Permission.VIEW, document_id) or _sees_metadata(user, document_id):
        raise Forbidden("this document is above your clearance")
    raise NotFound(f"no document {document_id}")


def _sees_metadata(user: AbstractBaseUser | None, document_id: int) -> bool:
    from docket.documents.models import Document

    query = Document.all_objects.filter(
        documents_q(user, Permission.VIEW, content=False), id=document_id
    )
    return query.exists()


def check_customer(user: AbstractBaseUser | None, permission: str, customer: object) -> None:
    from docket.customers.models import Customer

    customer_id = customer.pk  # type: ignore[attr-defined]
    if Customer.objects.filter(customers_q(user, permission), id=customer_id).exists():
        return
    if permission != Permission.VIEW and (
        Customer.objects.filter(customers_q(user, Permission.VIEW), id=customer_id).exists()
    ):
        raise Forbidden(f"you may not {permission} this customer's documents")
    raise NotFound(f"no customer {customer_id}")


def check_can_create_customers(user: AbstractBaseUser | None) -> None:
    """Whoever may upload for their customers may add a customer (and then owns it)."""
    subject = subject_for(user)
    if not (subject.full_control or Permission.UPLOAD in subject.permissions):
        raise Forbidden("your role does not allow adding customers")


def check_capability(user: AbstractBaseUser | None, capability: str) -> None:
    if not subject_for(user).has(capability):
        raise Forbidden("your role does not allow this")


def has_capability(user: AbstractBaseUser | None, capability: str) -> bool:
    return subject_for(user).has(capability)
