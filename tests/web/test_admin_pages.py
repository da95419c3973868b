"""Administration pages (/manage/): who may open them, users, roles and teams. The catalogue
(document types, tags) is in test_admin_catalog.py, the browser in test_admin_browser.py."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from docket.access import seeds
from docket.access.models import Level, Member, Role, Team
from docket.accounts import lockout
from docket.accounts.models import ApiToken, LoginSession
from docket.accounts.tokens import api_token_issue
from docket.audit.models import AuditEvent
from docket.documents.models import DocumentType, Tag
from tests.conftest import user_with_role

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def administrator(db):
    return user_with_role("itadmin", role=seeds.ADMINISTRATOR, password="pw-管理员-12345")


@pytest.fixture
def admin_client(client, administrator) -> Client:
    client.force_login(administrator)
    return client


def changes() -> list[str]:
    """The `change` of every audit event a service wrote for an administration change."""
    events = AuditEvent.objects.filter(
        action__in=[AuditEvent.Action.PERMISSION_CHANGE, AuditEvent.Action.SETTINGS_CHANGE]
    ).order_by("seq")
    return [e.details.get("change", "member_set") for e in events]


def every_page(user) -> list[str]:
    team = Team.objects.create(name="华东销售组")
    tag = Tag.objects.create(name="重要", color="#dc2626")
    document_type = DocumentType.objects.get_or_create(name="合同", defaults={"code": "HT"})[0]
    role = Role.objects.get(code=seeds.SALES)
    return [
        "/manage/",
        "/manage/users/",
        "/manage/users/new/",
        f"/manage/users/{user.pk}/",
        "/manage/roles/",
        f"/manage/roles/{role.pk}/",
        "/manage/teams/",
        f"/manage/teams/{team.pk}/",
        "/manage/types/",
        "/manage/types/preview/?name=甲&code=J&number_pattern={seq}",
        f"/manage/types/{document_type.pk}/",
        "/manage/tags/",
        f"/manage/tags/{tag.pk}/delete/",
    ]


def test_a_sales_user_is_refused_every_administration_page_and_changes_nothing(client):
    sales = user_with_role("wangfang", role=seeds.SALES)
    client.force_login(sales)
    pages = every_page(sales)
    for url in pages:
        answer = client.get(url)
        assert answer.status_code == 403, url
        assert "您没有执行此操作的权限。" in answer.content.decode(), url
    writes = {
        "/manage/users/new/": {"username": "hacker", "password": "a-long-pass-phrase-1"},
        f"/manage/users/{sales.pk}/": {"role": Role.objects.get(code=seeds.ADMINISTRATOR).pk},
        f"/manage/users/{sales.pk}/unlock/": {},
        "/manage/teams/": {"name": "黑客组"},
        "/manage/types/": {"name": "甲", "code": "J", "number_pattern": "{seq}"},
        "/manage/tags/": {"name": "黑", "color": "#000000"},
        f"/manage/tags/{Tag.objects.get().pk}/delete/": {},
    }
    for url, data in writes.items():
        assert client.post(url, data).status_code == 403, url
    assert not User.objects.filter(username="hacker").exists()
    assert Member.objects.get(user=sales).role.code == seeds.SALES
    assert Tag.objects.count() == 1 and not Team.objects.filter(name="黑客组").exists()
    assert changes() == []


def test_the_administration_link_and_landing_page_follow_the_users_capabilities(client):
    archivist = user_with_role("huangli", role=seeds.ARCHIVIST)
    client.force_login(archivist)
    landing = client.get("/manage/").content.decode()
    assert "文档类型" in landing and "标签" in landing
    assert "/manage/users/" not in landing and "/manage/roles/" not in landing
    assert client.get("/manage/types/").status_code == 200
    assert client.get("/manage/users/").status_code == 403
    sales = user_with_role("wangfang", role=seeds.SALES)
    client.force_login(sales)
    assert 'href="/manage/"' not in client.get("/").content.decode()


def test_an_administrator_creates_a_user_with_a_role_and_team_who_can_then_sign_in(admin_client):
    team = Team.objects.create(name="华东销售组")
    answer = admin_client.post(
        "/manage/users/new/",
        {
            "username": "zhaolei",
            "name": "赵磊",
            "password": "春天的上海-2023",
            "role": Role.objects.get(code=seeds.SALES).pk,
            "team": team.pk,
            "clearance": Level.INTERNAL,
        },
    )
    created = User.objects.get(username="zhaolei")
    assert answer.status_code == 302 and answer["Location"] == f"/manage/users/{created.pk}/"
    assert created.get_full_name() == "赵磊"
    assert (created.member.role.code, created.member.team) == (seeds.SALES, team)
    assert changes() == ["user_created", "member_set"]
    newcomer = Client()
    signed_in = newcomer.post("/login/", {"username": "zhaolei", "password": "春天的上海-2023"})
    assert signed_in.status_code == 302 and signed_in["Location"] == "/"
    page = admin_client.get("/manage/users/").content.decode()
    assert "zhaolei" in page and "赵磊" in page and "华东销售组" in page and "销售" in page


def test_a_weak_password_is_refused_with_a_clear_message(admin_client):
    answer = admin_client.post(
        "/manage/users/new/",
        {"username": "zhaolei", "password": "12345678", "clearance": Level.INTERNAL},
    )
    page = answer.content.decode()
    assert answer.status_code == 200
    assert "密码长度太短。密码必须包含至少 10 个字符。" in page
    assert "这个密码太常见了。" in page and "密码只包含数字。" in page
    assert not User.objects.filter(username="zhaolei").exists()
    assert changes() == []


def test_a_taken_username_is_refused_whatever_its_case(admin_client):
    user_with_role("zhaolei", role=seeds.SALES)
    answer = admin_client.post(
        "/manage/users/new/",
        {"username": "ZhaoLei", "password": "春天的上海-2023", "clearance": Level.INTERNAL},
    )
    assert answer.status_code == 200
    assert "这个用户名已被使用。" in answer.content.decode()


def test_a_users_role_team_and_clearance_are_changed_and_recorded(admin_client):
    person = user_with_role("wangfang", role=seeds.SALES)
    team = Team.objects.create(name="华北销售组")
    answer = admin_client.post(
        f"/manage/users/{person.pk}/",
        {
            "role": Role.objects.get(code=seeds.MANAGER).pk,
            "team": team.pk,
            "clearance": Level.SECRET,
        },
    )
    assert answer.status_code == 302
    member = Member.objects.get(user=person)
    assert (member.role.code, member.team, member.clearance) == (
        seeds.MANAGER,
        team,
        Level.SECRET,
    )
    event = AuditEvent.objects.get(action=AuditEvent.Action.PERMISSION_CHANGE)
    assert event.actor_name == "itadmin"
    assert event.details == {
        "user": "wangfang",
        "role": seeds.MANAGER,
        "team": "华北销售组",
        "clearance": Level.SECRET,
    }


def test_a_deactivated_user_is_signed_out_everywhere_and_cannot_sign_in(admin_client):
    person = user_with_role("wangfang", role=seeds.SALES, password="pw-王芳-12345")
    theirs = Client()
    assert theirs.post("/login/", {"username": "wangfang", "password": "pw-王芳-12345"})
    api_token_issue(user=person, name="同步")
    answer = admin_client.post(f"/manage/users/{person.pk}/active/", {"active": "0"})
    assert answer.status_code == 302
    assert theirs.get("/").status_code == 302  # their session has ended
    assert not LoginSession.objects.filter(user=person).exists()
    assert not ApiToken.objects.filter(user=person, revoked_at__isnull=True).exists()
    again = Client().post("/login/", {"username": "wangfang", "password": "pw-王芳-12345"})
    assert again.status_code == 200  # refused: the form again
    assert "已停用" in admin_client.get("/manage/users/").content.decode()
    admin_client.post(f"/manage/users/{person.pk}/active/", {"active": "1"})
    assert (
        Client().post("/login/", {"username": "wangfang", "password": "pw-王芳-12345"})["Location"]
        == "/"
    )
    assert changes() == ["user_deactivated", "user_activated"]


def test_an_administrator_cannot_deactivate_their_own_account(admin_client, administrator):
    answer = admin_client.post(f"/manage/users/{administrator.pk}/active/", {"active": "0"})
    assert answer.status_code == 302
    administrator.refresh_from_db()
    assert administrator.is_active
    assert "您不能停用自己的账户。" in admin_client.get(answer["Location"]).content.decode()


def test_a_locked_account_is_shown_locked_and_unlocked_by_an_administrator(admin_client):
    person = user_with_role("wangfang", role=seeds.SALES, password="pw-王芳-12345")
    for _ in range(5):
        lockout.failure_record(username="wangfang", ip="10.0.0.9")
    assert "锁定至" in admin_client.get("/manage/users/").content.decode()
    assert "解锁" in admin_client.get(f"/manage/users/{person.pk}/").content.decode()
    admin_client.post(f"/manage/users/{person.pk}/unlock/")
    assert "锁定至" not in admin_client.get("/manage/users/").content.decode()
    signed_in = Client().post("/login/", {"username": "wangfang", "password": "pw-王芳-12345"})
    assert signed_in.status_code == 302
    assert changes() == ["login_unlocked"]


def test_roles_are_listed_with_scope_permissions_capabilities_and_two_factor(admin_client):
    page = admin_client.get("/manage/roles/").content.decode()
    for text in ("销售", "档案管理员", "自己负责的客户", "全部客户", "上传", "完全控制"):
        assert text in page


def test_a_roles_permissions_and_two_factor_are_edited_and_recorded(admin_client):
    sales = Role.objects.get(code=seeds.SALES)
    answer = admin_client.post(
        f"/manage/roles/{sales.pk}/",
        {
            "name": "销售",
            "description": "销售人员",
            "scope": "team",
            "permissions": ["view", "download", "upload", "share"],
            "capabilities": ["approve"],
            "requires_2fa": "on",
        },
    )
    assert answer.status_code == 302
    sales.refresh_from_db()
    assert sales.scope == "team" and sales.requires_2fa
    assert sales.permissions == ["view", "download", "upload", "share"]
    event = AuditEvent.objects.get(action=AuditEvent.Action.PERMISSION_CHANGE)
    assert event.details["change"] == "role_updated"
    assert event.details["fields"] == [
        "capabilities",
        "description",
        "permissions",
        "requires_2fa",
        "scope",
    ]


def test_an_administrator_may_not_take_user_management_from_their_own_role(admin_client):
    role = Role.objects.get(code=seeds.ADMINISTRATOR)
    answer = admin_client.post(
        f"/manage/roles/{role.pk}/",
        {"name": role.name, "scope": "all", "permissions": ["view"], "capabilities": []},
    )
    assert answer.status_code == 200
    assert "您自己的角色将失去管理用户的权限" in answer.content.decode()
    role.refresh_from_db()
    assert "full_control" in role.capabilities


def test_teams_are_a_tree_created_renamed_and_never_put_under_themselves(admin_client):
    admin_client.post("/manage/teams/", {"name": "销售部"})
    department = Team.objects.get(name="销售部")
    admin_client.post("/manage/teams/", {"name": "华东组", "parent": department.pk})
    east = Team.objects.get(name="华东组")
    assert east.parent == department
    page = admin_client.get("/manage/teams/").content.decode()
    assert page.index("销售部") < page.index("华东组")
    assert page.count('class="team-tree"') == 2  # 华东组 in a list nested under 销售部
    admin_client.post(f"/manage/teams/{east.pk}/", {"name": "华东销售组", "parent": department.pk})
    east.refresh_from_db()
    assert east.name == "华东销售组"
    answer = admin_client.post(
        f"/manage/teams/{department.pk}/", {"name": "销售部", "parent": east.pk}
    )
    assert answer.status_code == 200
    assert "团队不能放在它自己或它的下级团队之下。" in answer.content.decode()
    assert changes() == ["team_created", "team_created", "team_updated"]


def test_an_unknown_user_role_or_team_is_a_not_found_page(admin_client):
    for url in ("/manage/users/999/", "/manage/roles/999/", "/manage/teams/999/"):
        assert admin_client.get(url).status_code == 404, url


def queries_for(client: Client, url: str) -> int:
    client.get(url)  # the session's first use writes to it; count a later one
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_users_roles_and_teams_lists_run_as_many_queries_for_30_rows_as_for_3(admin_client):
    def grow(n: int) -> None:
        parent = Team.objects.order_by("id").last()
        for i in range(n):
            team = Team.objects.create(name=f"销售{Team.objects.count()}组", parent=parent)
            person = user_with_role(f"user{User.objects.count()}", role=seeds.SALES, team=team)
            for _ in range(5):
                lockout.failure_record(username=person.username, ip=None)
            Role.objects.create(code=f"role{i}-{n}", name=f"角色{i}-{n}")

    grow(3)
    few = {url: queries_for(admin_client, url) for url in ("/manage/users/", "/manage/roles/")}
    few["/manage/teams/"] = queries_for(admin_client, "/manage/teams/")
    grow(27)
    for url, count in few.items():
        assert queries_for(admin_client, url) == count, url
