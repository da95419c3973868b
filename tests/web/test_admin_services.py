"""The services the administration pages added: users (create, deactivate, activate, which
are locked), roles and teams (access.services), the catalogue's tags and type preview
(documents.catalog). Each checks its capability and records what it changed."""

import pytest
from django.contrib.auth import get_user_model

from docket.access import roles as access_roles
from docket.access import seeds
from docket.access import services as access
from docket.access.models import Level, Role, Team
from docket.accounts import lockout
from docket.accounts import services as accounts
from docket.audit.models import AuditEvent
from docket.core.errors import Conflict, Forbidden, InvalidInput
from docket.documents import catalog
from docket.documents.models import DocumentType, Tag
from tests.accounts.conftest import clock  # noqa: F401  (a fixture)
from tests.conftest import client_for, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(db):
    return user_with_role("itadmin", role=seeds.ADMINISTRATOR)


@pytest.fixture
def sales(db):
    return user_with_role("wangfang", role=seeds.SALES)


def test_only_user_administrators_create_users_roles_and_teams(sales):
    role = Role.objects.get(code=seeds.SALES)
    refused = [
        lambda: accounts.user_create(actor=sales, username="x1", password="春天的上海-2023"),
        lambda: accounts.user_deactivate(actor=sales, user=sales),
        lambda: accounts.user_activate(actor=sales, user=sales),
        lambda: access_roles.role_update(actor=sales, role=role, permissions=["view"]),
        lambda: access.team_create(actor=sales, name="黑客组"),
    ]
    for call in refused:
        with pytest.raises(Forbidden):
            call()
    assert not AuditEvent.objects.exists()


def test_a_new_user_needs_a_valid_free_username(administrator):
    with pytest.raises(InvalidInput) as error:
        accounts.user_create(actor=administrator, username="wang fang", password="春天的上海-2023")
    assert error.value.field == "username"
    accounts.user_create(actor=administrator, username="王芳", password="春天的上海-2023")
    with pytest.raises(Conflict):
        accounts.user_create(actor=administrator, username="王芳", password="春天的上海-2024")


def test_a_password_like_the_username_is_refused(administrator):
    with pytest.raises(InvalidInput) as error:
        accounts.user_create(actor=administrator, username="zhaolei2023", password="zhaolei2023")
    assert error.value.field == "password"
    assert not get_user_model().objects.filter(username="zhaolei2023").exists()


def test_only_a_superuser_deactivates_a_superuser(administrator):
    root = get_user_model().objects.create_superuser(username="root", password="pw-root-12345")
    with pytest.raises(Forbidden):
        accounts.user_deactivate(actor=administrator, user=root)
    with pytest.raises(Conflict):
        accounts.user_deactivate(actor=administrator, user=administrator)


def test_a_deactivated_users_api_tokens_stop_working(administrator, sales):
    api = client_for(sales)
    assert api.get("/api/customers/").status_code == 200
    accounts.user_deactivate(actor=administrator, user=sales)
    assert api.get("/api/customers/").status_code == 401


def test_locked_accounts_agree_with_the_lockout_rule(clock):  # noqa: F811
    for _ in range(5):
        lockout.failure_record(username="wangfang", ip=None)
    for _ in range(4):
        lockout.failure_record(username="lina", ip=None)
    locked = accounts.locked_accounts(usernames=["wangfang", "lina", "nobody"])
    assert list(locked) == ["wangfang"]
    assert locked["wangfang"] == lockout.refusal(username="wangfang", ip=None).until
    clock.advance(minutes=16)
    assert accounts.locked_accounts(usernames=["wangfang"]) == {}
    assert lockout.refusal(username="wangfang", ip=None) is None


def test_a_role_takes_only_known_scopes_permissions_and_capabilities(administrator):
    role = Role.objects.get(code=seeds.SALES)
    for fields in ({"scope": "galaxy"}, {"permissions": ["fly"]}, {"capabilities": ["x"]}):
        with pytest.raises(InvalidInput):
            access_roles.role_update(actor=administrator, role=role, **fields)
    with pytest.raises(Conflict):
        access_roles.role_update(actor=administrator, role=role, name="经理")
    access_roles.role_update(actor=administrator, role=role, permissions=["upload", "view"])
    role.refresh_from_db()
    assert role.permissions == ["view", "upload"]  # in the choices' order


def test_a_team_is_never_put_under_itself_and_names_are_unique(administrator):
    department = access.team_create(actor=administrator, name="销售部")
    east = access.team_create(actor=administrator, name="华东组", parent=department)
    with pytest.raises(InvalidInput):
        access.team_update(actor=administrator, team=department, parent=east)
    with pytest.raises(InvalidInput):
        access.team_update(actor=administrator, team=department, parent=department)
    with pytest.raises(Conflict):
        access.team_create(actor=administrator, name="华东组")
    access.team_update(actor=administrator, team=east, parent=None)
    assert Team.objects.get(name="华东组").parent is None


def test_a_new_user_is_placed_and_both_steps_are_recorded(administrator):
    team = Team.objects.create(name="华东组")
    role = Role.objects.get(code=seeds.MANAGER)
    user = accounts.user_create(
        actor=administrator,
        username="chenjing",
        password="春天的上海-2023",
        name="陈静",
        role=role,
        team=team,
        clearance=Level.SECRET,
    )
    assert (user.member.role, user.member.team, user.member.clearance) == (role, team, 2)
    details = [e.details for e in AuditEvent.objects.order_by("seq")]
    assert details[0] == {"change": "user_created", "user": "chenjing"}
    assert details[1]["role"] == seeds.MANAGER and details[1]["team"] == "华东组"


def test_catalogue_writes_need_manage_catalog(sales):
    tag = Tag.objects.create(name="重要")
    refused = [
        lambda: catalog.tag_create(actor=sales, name="新"),
        lambda: catalog.tag_update(actor=sales, tag=tag, name="改"),
        lambda: catalog.tag_delete(actor=sales, tag=tag),
        lambda: catalog.document_type_preview(
            actor=sales, name="甲", code="J", number_pattern="{seq}", naming_template="{type}"
        ),
    ]
    for call in refused:
        with pytest.raises(Forbidden):
            call()


def test_a_type_needs_a_name_and_a_code_and_its_pattern_must_format(administrator):
    with pytest.raises(InvalidInput) as error:
        catalog.document_type_create(actor=administrator, name=" ", code="J")
    assert error.value.field == "name"
    with pytest.raises(InvalidInput) as error:
        catalog.document_type_create(
            actor=administrator, name="甲", code="J", number_pattern="{year.century}-{seq}"
        )
    assert error.value.field == "number_pattern"
    assert not DocumentType.objects.filter(name="甲").exists()


def test_the_preview_is_what_an_upload_would_get(administrator):
    example = catalog.document_type_preview(
        actor=administrator,
        name="报价单",
        code="BJD",
        number_pattern="{code}/{year}/{seq:03d}",
        naming_template="{archive_number}_{title}",
    )
    assert example.archive_number == "BJD/2023/001"
    assert example.file_name == "BJD_2023_001_购销合同.pdf"  # '/' is made safe in names


def test_document_type_changes_over_the_api_are_recorded_too(administrator):
    api = client_for(administrator)
    answer = api.post("/api/document-types/", {"name": "保密协议", "code": "BM"}, format="json")
    assert answer.status_code == 201
    event = AuditEvent.objects.get(action=AuditEvent.Action.SETTINGS_CHANGE)
    assert event.details == {"change": "document_type_created", "document_type": "保密协议"}
