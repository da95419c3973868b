"""Roles: what a role lets its holders do (scope, permissions, capabilities, two-factor),
created, changed and deleted by whoever has the `manage_users` capability. Each change is
audited as a permission change."""

import re
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext_noop as _

from docket.access import rules, seeds
from docket.access.models import Capability, Member, Permission, Role, Scope
from docket.access.services import permission_change_record
from docket.core.errors import Conflict, InvalidInput
from docket.core.notices import Notice
from docket.customers.pinyin import name_pinyin

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
    permission_change_record(actor, change="role_updated", role=role.code, fields=changed)
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
    try:
        with transaction.atomic():  # a savepoint: the check above may lose a race
            role.save()
    except IntegrityError:
        raise _taken(role) from None
    permission_change_record(actor, change="role_created", role=role.code, name=role.name)
    return role


def _taken(role: Role) -> Conflict:
    """Why a role that passed the checks could not be saved: another with its name or code
    was saved in the meantime."""
    if Role.objects.filter(name=role.name).exists():
        return Conflict(
            Notice(_("a role named %(name)s exists"), name=repr(role.name)), field="name"
        )
    return Conflict(Notice(_("a role coded %(code)s exists"), code=repr(role.code)), field="code")


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
    permission_change_record(actor, change="role_deleted", role=role.code, name=role.name)
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


def role_by_code(code: str) -> Role:
    role = Role.objects.filter(code=code).first()
    if role is None:
        raise InvalidInput(Notice(_("no role %(code)s"), code=repr(code)), field="role")
    return role
