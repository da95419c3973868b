"""Roles are created and deleted (access.roles.role_create, role_delete), over the API
too: only by user administrators, each change in the audit trail; a role that users hold,
or a seeded one, is never deleted."""

import pytest

from docket.access import roles, seeds
from docket.access.models import Member, Role
from docket.audit.models import AuditEvent
from docket.core.errors import Conflict, Forbidden, InvalidInput
from tests.conftest import client_for, user_with_role


def changes() -> list[dict]:
    events = AuditEvent.objects.filter(action=AuditEvent.Action.PERMISSION_CHANGE)
    return [event.details for event in events.order_by("seq")]


def test_a_new_role_gets_a_code_from_its_names_pinyin_and_is_recorded(world):
    role = roles.role_create(
        actor=world.administrator,
        name=" 法务 ",
        description="合同审核",
        scope="all",
        permissions=["download", "view"],
        capabilities=["approve"],
        requires_2fa=True,
    )
    assert (role.code, role.name, role.scope, role.requires_2fa) == ("fawu", "法务", "all", True)
    assert role.permissions == ["view", "download"]  # in the choices' order
    second = roles.role_create(actor=world.administrator, name="法务!")
    assert second.code == "fawu-2"
    assert changes()[-2:] == [
        {"change": "role_created", "role": "fawu", "name": "法务"},
        {"change": "role_created", "role": "fawu-2", "name": "法务!"},
    ]


def test_a_new_role_needs_a_free_name_a_good_code_and_known_values(world):
    admin = world.administrator
    with pytest.raises(Conflict) as error:
        roles.role_create(actor=admin, name="销售")
    assert error.value.field == "name"
    with pytest.raises(Conflict) as error:
        roles.role_create(actor=admin, name="法务", code=seeds.SALES)
    assert error.value.field == "code"
    bad = [{"name": ""}, {"name": "法务", "code": "法 务"}, {"name": "法务", "scope": "galaxy"}]
    bad += [{"name": "法务", "permissions": ["fly"]}, {"name": "法务", "capabilities": ["x"]}]
    for fields in bad:
        with pytest.raises(InvalidInput):
            roles.role_create(actor=admin, **fields)
    assert not Role.objects.filter(name="法务").exists()
    assert changes() == []


def test_only_user_administrators_create_and_delete_roles(world):
    legal = Role.objects.create(code="legal", name="法务")
    for who in (world.manager_east, world.archivist, world.sales_east, world.no_role):
        with pytest.raises(Forbidden):
            roles.role_create(actor=who, name="黑客")
        with pytest.raises(Forbidden):
            roles.role_delete(actor=who, role=legal)
    assert Role.objects.filter(code="legal").exists() and not Role.objects.filter(name="黑客")
    assert changes() == []


def test_a_role_no_one_holds_is_deleted_and_recorded(world):
    legal = roles.role_create(actor=world.administrator, name="法务", code="legal")
    roles.role_delete(actor=world.administrator, role=legal)
    assert not Role.objects.filter(code="legal").exists()
    assert changes()[-1] == {"change": "role_deleted", "role": "legal", "name": "法务"}


def test_a_role_users_hold_is_not_deleted_and_the_refusal_says_how_many(world):
    legal = roles.role_create(actor=world.administrator, name="法务", code="legal")
    for username in ("sunli", "zhoujie"):
        user_with_role(username, role="legal")
    with pytest.raises(Conflict) as error:
        roles.role_delete(actor=world.administrator, role=legal)
    assert "2 user(s) still hold the role 法务" in error.value.message
    assert Member.objects.filter(role=legal).count() == 2
    assert changes()[-1]["change"] == "role_created"


def test_the_seeded_roles_are_never_deleted_even_when_no_one_holds_them(world):
    Member.objects.filter(role__code=seeds.ARCHIVIST).update(role=None)
    for code in (seeds.SALES, seeds.MANAGER, seeds.ARCHIVIST, seeds.ADMINISTRATOR):
        with pytest.raises(Conflict) as error:
            roles.role_delete(actor=world.administrator, role=Role.objects.get(code=code))
        assert "built-in role" in error.value.message
    assert Role.objects.filter(code__in=roles.BUILT_IN_ROLES).count() == 4


NEW_ROLE = {
    "name": "法务",
    "description": "合同审核",
    "scope": "all",
    "permissions": ["view", "download"],
    "capabilities": [],
    "requires_2fa": True,
}


def test_a_role_is_created_and_deleted_over_the_api_with_an_audit_event_each(world):
    api = client_for(world.administrator)
    made = api.post("/api/access/roles/", NEW_ROLE, format="json")
    assert made.status_code == 201, made.content
    assert made.json() | {"id": 0} == {"id": 0, "code": "fawu", **NEW_ROLE}
    short = api.post("/api/access/roles/", {"name": "审计", "code": "audit"}, format="json")
    assert short.status_code == 201
    assert short.json()["scope"] == "own" and short.json()["permissions"] == []
    assert api.delete(f"/api/access/roles/{made.json()['id']}/").status_code == 204
    assert not Role.objects.filter(code="fawu").exists()
    recorded = [d["change"] for d in changes()]
    assert recorded[-3:] == ["role_created", "role_created", "role_deleted"]


def test_the_api_refuses_to_delete_a_seeded_or_held_role_and_to_reuse_a_name(world):
    api = client_for(world.administrator)
    seeded = api.delete(f"/api/access/roles/{Role.objects.get(code=seeds.SALES).id}/")
    assert seeded.status_code == 409
    assert "built-in role" in seeded.json()["error"]["message"]
    legal = Role.objects.create(code="legal", name="法务")
    user_with_role("sunli", role="legal")
    answer = api.delete(f"/api/access/roles/{legal.id}/")
    assert answer.status_code == 409
    assert "1 user(s) still hold the role 法务" in answer.json()["error"]["message"]
    taken = api.post("/api/access/roles/", {"name": "法务"}, format="json")
    assert taken.status_code == 409 and taken.json()["error"]["fields"]
    assert Role.objects.filter(code="legal").exists()


def test_only_user_administrators_create_or_delete_roles_over_the_api(world):
    legal = Role.objects.create(code="legal", name="法务")
    for who in (world.manager_east, world.archivist, world.sales_east):
        api = client_for(who)
        assert api.post("/api/access/roles/", NEW_ROLE, format="json").status_code == 403
        assert api.delete(f"/api/access/roles/{legal.id}/").status_code == 403
    assert Role.objects.filter(code="legal").exists() and not Role.objects.filter(code="fawu")


def test_a_role_whose_code_another_request_took_meanwhile_is_refused_not_a_server_error(
    world, monkeypatch
):
    """Two administrators create 法务 and 法务部 at once: both get the code `fawu` from the
    check, and the second save meets the unique code. It is a conflict, and nothing of it is
    saved or recorded."""
    choose_code = roles._role_code

    def raced(given: str, name: str) -> str:
        code = choose_code(given, name)
        Role.objects.create(code=code, name="法务部")  # the other request's, saved first
        return code

    monkeypatch.setattr(roles, "_role_code", raced)
    answer = client_for(world.administrator).post(
        "/api/access/roles/", {"name": "法务"}, format="json"
    )
    assert answer.status_code == 409
    assert "a role coded 'fawu' exists" in answer.json()["error"]["message"]
    assert not Role.objects.filter(name="法务").exists()
    assert changes() == []
