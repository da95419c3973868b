"""Every change to who may do what: a user's role, team and clearance; grants; teams (roles:
access.roles).
Each needs the `manage_users` capability, or `manage` permission on the target for grants
(`share` on a document lets its holder share that document to view or download)."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext_noop as _

from docket.access import rules
from docket.access.models import (
    Capability,
    Grant,
    Level,
    Member,
    Permission,
    Role,
    Team,
)
from docket.audit.models import AuditEvent
from docket.audit.services import audit_record
from docket.core.errors import Conflict, InvalidInput
from docket.core.notices import Notice

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
    member, _created = Member.objects.get_or_create(user=user)
    if role is not UNSET:
        member.role = role  # type: ignore[assignment]
    if team is not UNSET:
        member.team = team  # type: ignore[assignment]
    if clearance is not UNSET:
        if clearance not in Level.values:
            raise InvalidInput(
                Notice(_("unknown clearance %(value)s"), value=repr(clearance)), field="clearance"
            )
        member.clearance = clearance  # type: ignore[assignment]
    member.save()
    rules.forget(user)
    permission_change_record(
        actor,
        user=user.get_username(),
        role=member.role.code if member.role else None,
        team=member.team.name if member.team else None,
        clearance=member.clearance,
    )
    return member


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
        raise InvalidInput(
            Notice(_("unknown permission %(value)s"), value=repr(permission)), field="permission"
        )
    if (user is None) == (team is None):
        raise InvalidInput(Notice(_("grant to a user or to a team (one of them)")))
    if (customer is None) == (document is None):
        raise InvalidInput(Notice(_("grant on a customer or on a document (one of them)")))
    _check_can_grant(actor, customer=customer, document=document)
    grant, _created = Grant.objects.get_or_create(
        permission=permission,
        user=user,
        team=team,
        customer=customer,
        document=document,
        defaults={"granted_by": actor},
    )
    _grant_record(actor, grant, "added")
    return grant


SHAREABLE = (Permission.VIEW, Permission.DOWNLOAD)


@transaction.atomic
def document_share(
    *,
    actor: AbstractBaseUser,
    document: object,
    user: AbstractBaseUser,
    permission: str = Permission.VIEW,
) -> Grant:
    """Share one document with a colleague (分享): whoever holds `share` on it may let another
    user view it, or also download it, if they may do that themselves. Nothing wider: a
    grant on a customer or of any other permission needs `manage`. Recorded as a share."""
    if permission not in SHAREABLE:
        raise InvalidInput(
            Notice(_("a document is shared to view or to download")), field="permission"
        )
    rules.check_document(actor, Permission.SHARE, document)
    rules.check_document(actor, permission, document)
    if user.pk == actor.pk:
        raise InvalidInput(Notice(_("you already have this document")), field="user")
    if not user.is_active:
        raise InvalidInput(Notice(_("this account is deactivated")), field="user")
    grant, _created = Grant.objects.get_or_create(
        permission=permission, user=user, document=document, defaults={"granted_by": actor}
    )
    if permission == Permission.DOWNLOAD:  # downloading a document one cannot see is no use
        Grant.objects.get_or_create(
            permission=Permission.VIEW, user=user, document=document, defaults={"granted_by": actor}
        )
    audit_record(
        action=AuditEvent.Action.SHARE,
        actor=actor,
        document_id=grant.document_id,
        details={"permission": permission, "user": user.get_username()},
    )
    return grant


@transaction.atomic
def grant_remove(*, actor: AbstractBaseUser | None, grant: Grant) -> None:
    _check_can_grant(actor, customer=grant.customer, document=grant.document)
    _grant_record(actor, grant, "removed")
    grant.delete()


def _grant_record(actor: AbstractBaseUser | None, grant: Grant, change: str) -> None:
    permission_change_record(
        actor,
        document_id=grant.document_id,
        customer_id=grant.customer_id,
        grant=change,
        permission=grant.permission,
        user=grant.user.get_username() if grant.user else None,
        team=grant.team.name if grant.team else None,
    )


@transaction.atomic
def team_create(*, actor: AbstractBaseUser | None, name: str, parent: Team | None = None) -> Team:
    rules.check_capability(actor, Capability.MANAGE_USERS)
    team = Team(name=name.strip(), parent=parent)
    _check_team(team)
    team.save()
    permission_change_record(
        actor, change="team_created", team=team.name, parent=parent.name if parent else None
    )
    return team


@transaction.atomic
def team_update(
    *,
    actor: AbstractBaseUser | None,
    team: Team,
    name: str | object = UNSET,
    parent: Team | None | object = UNSET,
) -> Team:
    """Rename a team or move it under another (not under itself or one of its sub-teams)."""
    rules.check_capability(actor, Capability.MANAGE_USERS)
    old_name = team.name
    changed = Team(
        pk=team.pk,
        name=team.name if name is UNSET else str(name).strip(),
        parent=team.parent if parent is UNSET else parent,  # type: ignore[misc]
    )
    _check_team(changed)  # before `team` changes: a refused change leaves it as it was
    team.name, team.parent = changed.name, changed.parent
    team.save()
    permission_change_record(
        actor,
        change="team_updated",
        team=team.name,
        old_name=old_name,
        parent=team.parent.name if team.parent else None,
    )
    return team


def _check_team(team: Team) -> None:
    if not 0 < len(team.name) <= Team._meta.get_field("name").max_length:  # type: ignore[operator]
        raise InvalidInput(Notice(_("a team needs a name of up to 100 characters")), field="name")
    if Team.objects.filter(name=team.name).exclude(pk=team.pk).exists():
        raise Conflict(
            Notice(_("a team named %(name)s exists"), name=repr(team.name)), field="name"
        )
    if team.parent_id is not None and team.parent_id in _team_and_below(team):
        raise InvalidInput(
            Notice(_("a team cannot sit under itself or its sub-teams")), field="parent"
        )


def _team_and_below(team: Team) -> set[int]:
    if team.pk is None:
        return set()
    parents = dict(Team.objects.values_list("id", "parent_id"))
    below = {team.pk}
    grew = True
    while grew:
        more = {tid for tid, parent in parents.items() if parent in below} - below
        below |= more
        grew = bool(more)
    return below


def permission_change_record(
    actor: AbstractBaseUser | None,
    *,
    document_id: int | None = None,
    customer_id: int | None = None,
    **details: object,
) -> None:
    """Audit a change to who may do what (here and in access.roles)."""
    audit_record(
        action=AuditEvent.Action.PERMISSION_CHANGE,
        actor=actor,
        document_id=document_id,
        customer_id=customer_id,
        details=details,
    )
