"""Every change to who may do what: a user's role, team and clearance; grants; roles; teams.
Each needs the `manage_users` capability, or `manage` permission on the target for grants
(`share` on a document lets its holder share that document to view or download)."""

import re
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext_noop as _

from docket.access import rules, seeds
from docket.access.models import (
    Capability,
    Grant,
    Level,
    Member,
    Permission,
    Role,
    Scope,
    Team,
)
from docket.audit.models import AuditEvent
from docket.audit.services import audit_record
from docket.core.errors import Conflict, InvalidInput
from docket.core.notices import Notice
from docket.customers.pinyin import name_pinyin

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
        raise InvalidInput(Notice(_("no role %(code)s"), code=repr(code)), field="role")
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
    _record_grant(actor, grant, "added")
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


# The seeded roles (seeds.py): they may be edited, not deleted.
BUILT_IN_ROLES = frozenset(str(role["code"]) for role in seeds.ROLES)
ROLE_FIELDS = ("name", "description", "scope", "permissions", "capabilities", "requires_2fa")
# Without one of these a role's members could no longer change roles (see role_update).
ADMINISTERING = frozenset({Capability.MANAGE_USERS, Capability.FULL_CONTROL})


@transaction.atomic
def role_update(*, actor: AbstractBaseUser | None, role: Role, **fields: object) -> Role:
    """Change a role's name, description, scope, permissions, capabilities or whether it
    requires two-factor authentication. Refused when it would take the right to manage
    users away from the actor's own role (no one could give it back)."""
    rules.check_capability(actor, Capability.MANAGE_USERS)
    unknown = set(fields) - set(ROLE_FIELDS)
    if unknown:
        raise InvalidInput(
            Notice(_("unknown role fields: %(fields)s"), fields=", ".join(sorted(unknown)))
        )
    values = _role_values(fields)
    name = values.get("name", role.name)
    if Role.objects.filter(name=name).exclude(pk=role.pk).exists():
        raise Conflict(Notice(_("a role named %(name)s exists"), name=repr(name)), field="name")
    _check_keeps_administration(actor, role, values.get("capabilities", role.capabilities))
    before = {key: getattr(role, key) for key in values}
    for key, value in values.items():
        setattr(role, key, value)
    role.save()
    if actor is not None:
        rules.forget(actor)
    changed = sorted(key for key in values if before[key] != getattr(role, key))
    _record(actor, change="role_updated", role=role.code, fields=changed)
    return role


@transaction.atomic
def role_create(
    *,
    actor: AbstractBaseUser | None,
    name: str,
    code: str = "",
    description: str = "",
    scope: str = Scope.OWN,
    permissions: Iterable[str] = (),
    capabilities: Iterable[str] = (),
    requires_2fa: bool = False,
) -> Role:
    """A new role, with the same fields as role_update. Its code (how the API and the seeds
    name roles) is made from the name's pinyin when none is given: 法务 → fawu."""
    rules.check_capability(actor, Capability.MANAGE_USERS)
    values = _role_values(
        {
            "name": name,
            "description": description,
            "scope": scope,
            "permissions": list(permissions),
            "capabilities": list(capabilities),
            "requires_2fa": requires_2fa,
        }
    )
    if Role.objects.filter(name=values["name"]).exists():
        raise Conflict(
            Notice(_("a role named %(name)s exists"), name=repr(values["name"])), field="name"
        )
    role = Role(code=_role_code(code.strip(), str(values["name"])), **values)
    role.save()
    _record(actor, change="role_created", role=role.code, name=role.name)
    return role


def _role_code(given: str, name: str) -> str:
    if given:
        if not re.fullmatch(r"[-a-zA-Z0-9_]{1,40}", given):
            raise InvalidInput(
                Notice(_("a role code is up to 40 letters, digits, - and _")), field="code"
            )
        if Role.objects.filter(code=given).exists():
            raise Conflict(
                Notice(_("a role coded %(code)s exists"), code=repr(given)), field="code"
            )
        return given
    base = (slugify(name_pinyin(name)[0]) or "role")[:34]
    taken = set(Role.objects.filter(code__startswith=base).values_list("code", flat=True))
    code, n = base, 2
    while code in taken:
        code, n = f"{base}-{n}", n + 1
    return code


@transaction.atomic
def role_delete(*, actor: AbstractBaseUser | None, role: Role) -> None:
    """Delete a role no one holds. The seeded roles stay: the installation, its tests and
    its documentation name them (edit them instead)."""
    rules.check_capability(actor, Capability.MANAGE_USERS)
    if role.code in BUILT_IN_ROLES:
        raise Conflict(
            Notice(_("%(name)s is a built-in role and cannot be deleted"), name=role.name),
            field="role",
        )
    holders = Member.objects.filter(role=role).count()
    if holders:
        raise Conflict(
            Notice(
                _("%(count)s user(s) still hold the role %(name)s; give them another role first"),
                count=holders,
                name=role.name,
            ),
            field="members",
        )
    _record(actor, change="role_deleted", role=role.code, name=role.name)
    role.delete()


def _role_values(fields: dict[str, object]) -> dict[str, object]:
    """The given fields, checked and normalised (lists of known values, in a stable order)."""
    values = dict(fields)
    if "name" in values:
        values["name"] = str(values["name"]).strip()
        if not 0 < len(values["name"]) <= Role._meta.get_field("name").max_length:  # type: ignore[operator]
            raise InvalidInput(
                Notice(_("a role needs a name of up to 50 characters")), field="name"
            )
    if "scope" in values and values["scope"] not in Scope.values:
        raise InvalidInput(
            Notice(_("unknown scope %(value)s"), value=repr(values["scope"])), field="scope"
        )
    for key, known in (("permissions", Permission.values), ("capabilities", Capability.values)):
        if key in values:
            given = [str(v) for v in values[key]]  # type: ignore[attr-defined]
            if wrong := sorted(set(given) - set(known)):
                raise InvalidInput(
                    Notice(_("unknown %(key)s: %(values)s"), key=key, values=", ".join(wrong)),
                    field=key,
                )
            values[key] = [v for v in known if v in given]
    if "requires_2fa" in values:
        values["requires_2fa"] = bool(values["requires_2fa"])
    return values


def _check_keeps_administration(
    actor: AbstractBaseUser | None, role: Role, capabilities: object
) -> None:
    if actor is None or getattr(actor, "is_superuser", False):
        return
    if not Member.objects.filter(user_id=actor.pk, role_id=role.pk).exists():
        return
    if not ADMINISTERING & set(capabilities):  # type: ignore[call-overload]
        raise Conflict(
            Notice(_("this would take the right to manage users from your own role")),
            field="capabilities",
        )


@transaction.atomic
def team_create(*, actor: AbstractBaseUser | None, name: str, parent: Team | None = None) -> Team:
    rules.check_capability(actor, Capability.MANAGE_USERS)
    team = Team(name=name.strip(), parent=parent)
    _check_team(team)
    team.save()
    _record(actor, change="team_created", team=team.name, parent=parent.name if parent else None)
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
    _record(
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
