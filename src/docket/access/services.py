"""Every change to who may do what: a user's role, team and clearance; grants; roles; teams.
Each needs the `manage_users` capability, or `manage` permission on the target for grants."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from docket.access import rules
from docket.access.models import Capability, Grant, Level, Member, Permission, Role, Team
from docket.audit.models import AuditEvent
from docket.audit.services import audit_record
from docket.core.errors import InvalidInput

UNSET = object()


@transaction.atomic
def member_set(
    *,
    actor: AbstractBaseUser | None,
    user: AbstractBaseUser,
    role: Role | None | object = UNSET,
    team: Team | None | object = UNSET,
    clearance: int | object = UNSET,
) -> Member:
    """Give a user a role, a team or a clearance (what is not given stays as it is)."""
    rules.check_capability(actor, Capability.MANAGE_USERS)
    member, _ = Member.objects.get_or_create(user=user)
    if role is not UNSET:
        member.role = role  # type: ignore[assignment]
    if team is not UNSET:
        member.team = team  # type: ignore[assignment]
    if clearance is not UNSET:
        if clearance not in Level.values:
            raise InvalidInput(f"unknown clearance {clearance!r}", field="clearance")
        member.clearance = clearance  # type: ignore[assignment]
    member.save()
    rules.forget(user)
    _record(
        actor,
        user=user.get_username(),
        role=member.role.code if member.role else None,
        team=member.team.name if member.team else None,
        clearance=member.clearance,
    )
    return member


def role_by_code(code: str) -> Role:
    role = Role.objects.filter(code=code).first()
    if role is None:
        raise InvalidInput(f"no role {code!r}", field="role")
    return role


def _check_can_grant(actor: AbstractBaseUser | None, *, customer: object, document: object) -> None:
    if rules.has_capability(actor, Capability.MANAGE_USERS):
        return
    if document is not None:
        rules.check_document(actor, Permission.MANAGE, document)
    else:
        rules.check_customer(actor, Permission.MANAGE, customer)


@transaction.atomic
def grant_add(
    *,
    actor: AbstractBaseUser | None,
    permission: str,
    user: AbstractBaseUser | None = None,
    team: Team | None = None,
    customer: object = None,
    document: object = None,
) -> Grant:
    """Give one permission to a user or a team, on a customer or one document."""
    if permission not in Permission.values:
        raise InvalidInput(f"unknown permission {permission!r}", field="permission")
    if (user is None) == (team is None):
        raise InvalidInput("grant to a user or to a team (one of them)")
    if (customer is None) == (document is None):
        raise InvalidInput("grant on a customer or on a document (one of them)")
    _check_can_grant(actor, customer=customer, document=document)
    grant, _ = Grant.objects.get_or_create(
        permission=permission,
        user=user,
        team=team,
        customer=customer,
        document=document,
        defaults={"granted_by": actor},
    )
    _record_grant(actor, grant, "added")
    return grant


@transaction.atomic
def grant_remove(*, actor: AbstractBaseUser | None, grant: Grant) -> None:
    _check_can_grant(actor, customer=grant.customer, document=grant.document)
    _record_grant(actor, grant, "removed")
    grant.delete()


def _record_grant(actor: AbstractBaseUser | None, grant: Grant, change: str) -> None:
    _record(
        actor,
        document_id=grant.document_id,
        customer_id=grant.customer_id,
        grant=change,
        permission=grant.permission,
        user=grant.user.get_username() if grant.user else None,
        team=grant.team.name if grant.team else None,
    )


def _record(
    actor: AbstractBaseUser | None,
    *,
    document_id: int | None = None,
    customer_id: int | None = None,
    **details: object,
) -> None:
    audit_record(
        action=AuditEvent.Action.PERMISSION_CHANGE,
        actor=actor,
        document_id=document_id,
        customer_id=customer_id,
        details=details,
    )
