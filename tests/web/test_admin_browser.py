"""Administration in a real browser: an administrator adds a user who then signs in; a role is
created, refused deletion while someone holds it, then deleted; a type's archive number and
file name are previewed as the pattern is typed, and a changed naming rule applied to its
documents, as the audit trail then shows; tags keep their colours; and the same pages in
English and at a tablet's width."""

import datetime
import re

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from docket.access import seeds
from docket.access.models import Level, Member, Role, Team
from docket.accounts import lockout
from docket.accounts.preferences import language_set
from docket.audit.models import AuditEvent
from docket.customers.services import customer_create
from docket.documents.catalog import document_type_update
from docket.documents.models import DocumentType, Tag
from docket.web.views import admin_naming
from tests.conftest import user_with_role
from tests.web.conftest import shot, sign_in
from tests.web.test_admin_naming import file_contracts

pytestmark = pytest.mark.browser
PASSWORD = "pw-管理员-12345"


@pytest.fixture
def office(transactional_db):
    """A small company: a department with two sales teams, people in each role, one of
    them locked out, one with two-factor, one who left."""
    department = Team.objects.create(name="销售部")
    east = Team.objects.create(name="华东销售组", parent=department)
    north = Team.objects.create(name="华北销售组", parent=department)
    Team.objects.create(name="档案室")
    admin = user_with_role("itadmin", role=seeds.ADMINISTRATOR, password=PASSWORD)
    admin.first_name = "周明"
    admin.save()
    people = [
        ("wangfang", "王芳", seeds.SALES, east, Level.INTERNAL),
        ("liuyang", "刘洋", seeds.SALES, north, Level.INTERNAL),
        ("chenjing", "陈静", seeds.MANAGER, east, Level.SECRET),
        ("huangli", "黄丽", seeds.ARCHIVIST, None, Level.SECRET),
        ("zhaomin", "赵敏", seeds.SALES, north, Level.PUBLIC),
    ]
    now, users = timezone.now(), {}
    for i, (username, name, role, team, clearance) in enumerate(people):
        person = user_with_role(username, role=role, team=team, clearance=clearance)
        person.first_name = name
        person.last_login = now - datetime.timedelta(hours=3 * i + 1)
        person.is_active = username != "zhaomin"
        person.save()
        users[username] = person
    TOTPDevice.objects.create(user=users["chenjing"], name="身份验证器", confirmed=True)
    for _ in range(5):
        lockout.failure_record(username="liuyang", ip="10.0.0.8")
    return admin


@pytest.fixture
def catalogue(transactional_db):
    for name, code, pattern in [
        ("合同", "HT", "{code}-{year}-{seq:04d}"),
        ("报价单", "BJD", "{code}-{year}-{seq:04d}"),
        ("发票", "FP", "FP{year}{seq:05d}"),
        ("签收单", "QSD", "{code}-{year}-{seq:04d}"),
    ]:
        # update_or_create: the first transactional test still sees the migration's seeds
        DocumentType.objects.update_or_create(
            name=name, defaults={"code": code, "number_pattern": pattern}
        )
    for name, color in [("重要", "#dc2626"), ("加急", "#f59e0b"), ("VIP客户", "#7c3aed")]:
        Tag.objects.update_or_create(name=name, defaults={"color": color})


def test_an_administrator_adds_a_user_who_then_signs_in(page, office):
    sign_in(page, "itadmin", PASSWORD)
    page.get_by_role("link", name="系统管理").click()
    shot(page, "admin")
    page.get_by_role("link", name="用户", exact=True).first.click()
    page.get_by_role("heading", name="用户").wait_for()
    assert page.get_by_text("锁定至").is_visible() and page.get_by_text("已停用").is_visible()
    shot(page, "admin-users")
    page.get_by_role("link", name="新建用户").click()
    page.get_by_label("用户名").fill("zhaolei")
    page.get_by_label("姓名").fill("赵磊")
    page.get_by_label("初始密码").fill("12345678")
    page.get_by_role("button", name="创建用户").click()
    assert page.get_by_text("密码长度太短。密码必须包含至少 10 个字符。").is_visible()
    shot(page, "admin-user-create")
    page.get_by_label("初始密码").fill("春天的上海-2023")
    page.get_by_label("角色").select_option(label="销售")
    page.get_by_label("团队").select_option(label="\u3000华东销售组")
    page.get_by_role("button", name="创建用户").click()
    page.get_by_text("用户 zhaolei 已创建。").wait_for()
    shot(page, "admin-user")
    page.get_by_role("button", name="退出登录").click()
    sign_in(page, "zhaolei", "春天的上海-2023")
    page.get_by_role("heading", name="工作台").wait_for()
    assert AuditEvent.objects.filter(details__change="user_created").count() == 1


def test_a_role_is_made_to_require_two_factor_and_a_team_added_under_its_department(page, office):
    sign_in(page, "itadmin", PASSWORD)
    page.goto("/manage/roles/")
    assert page.get_by_role("cell", name="自己负责的客户").is_visible()
    shot(page, "admin-roles")
    page.get_by_role("link", name="编辑 档案管理员").click()
    page.get_by_label("成员必须使用双因素认证").check()
    shot(page, "admin-role")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("角色 档案管理员 已保存。").wait_for()
    page.goto("/manage/teams/")
    page.get_by_label("名称").fill("华南销售组")
    page.get_by_label("上级团队").select_option(label="销售部")
    page.get_by_role("button", name="创建团队").click()
    page.get_by_text("团队 华南销售组 已创建。").wait_for()
    nested = page.locator(".team-tree .team-tree a", has_text="华南销售组")
    assert nested.is_visible()
    shot(page, "admin-teams")


def test_a_role_is_created_refused_deletion_while_held_and_then_deleted(page, office):
    sign_in(page, "itadmin", PASSWORD)
    page.goto("/manage/roles/")
    page.get_by_role("link", name="新建角色").click()
    page.get_by_label("名称").fill("法务")
    page.get_by_label("说明").fill("审核合同，不上传")
    page.get_by_label("全部客户").check()
    for permission in ("查看", "下载"):
        page.get_by_label(permission, exact=True).check()
    page.get_by_label("审批").check()
    shot(page, "admin-role-create")
    page.get_by_role("button", name="创建角色").click()
    page.get_by_text("角色 法务 已创建。").wait_for()
    assert page.get_by_text("审核合同，不上传").is_visible()
    user_with_role("sunli", role="fawu")
    page.get_by_role("link", name="删除 法务").click()
    page.get_by_text("仍有 1 个用户担任此角色").wait_for()
    assert page.get_by_role("button", name="删除角色").count() == 0
    shot(page, "admin-role-delete-refused")
    page.get_by_role("link", name="查看担任此角色的用户").click()
    assert page.get_by_role("link", name="sunli", exact=True).is_visible()
    assert page.get_by_role("link", name="wangfang", exact=True).count() == 0
    Member.objects.filter(user__username="sunli").update(role=None)
    page.goto("/manage/roles/")
    page.get_by_role("link", name="删除 法务").click()
    page.get_by_role("button", name="删除角色").click()
    page.get_by_text("角色 法务 已删除。").wait_for()
    assert page.get_by_text("审核合同，不上传").count() == 0
    assert not Role.objects.filter(code="fawu").exists()
    assert [
        e.details["change"]
        for e in AuditEvent.objects.filter(details__has_key="change")
        .filter(details__change__startswith="role_")
        .order_by("seq")
    ] == [
        "role_created",
        "role_deleted",
    ]


def test_a_types_number_and_name_are_previewed_as_the_pattern_is_typed(page, office, catalogue):
    sign_in(page, "itadmin", PASSWORD)
    page.goto("/manage/types/")
    form = page.locator("form.type-form")
    form.get_by_label("名称").fill("保密协议")
    form.get_by_label("代码").fill("BM")
    form.get_by_label("档号格式").fill("BM-{year}-{seq:03d}")
    preview = page.locator("#type-preview")
    preview.get_by_text("BM-2023-001").wait_for()
    assert "上海ABC贸易有限公司_保密协议_20230101.pdf" in preview.inner_text()
    form.get_by_label("档号格式").fill("BM-{year}")
    preview.get_by_text("这个档号格式无效").wait_for()
    shot(page, "admin-types-invalid")
    form.get_by_label("档号格式").fill("BM-{year}-{seq:03d}")
    form.get_by_label("命名规则").fill("{customer}_{title}_{date:%Y年%m月%d日}")
    preview.get_by_text("上海ABC贸易有限公司_购销合同_2023年01月01日.pdf").wait_for()
    form.get_by_role("button", name="创建类型").click()
    page.get_by_text("文档类型 保密协议 已创建。").wait_for()
    assert page.get_by_role("cell", name="保密协议").is_visible()
    shot(page, "admin-types")
    page.get_by_role("link", name="编辑 合同").click()
    page.get_by_role("heading", name="文档类型：合同").wait_for()
    shot(page, "admin-type")


def test_a_changed_naming_rule_is_applied_from_the_types_page_and_shows_in_the_trail(
    page, office, catalogue, monkeypatch
):
    monkeypatch.setattr(admin_naming, "REPORT_ROWS", 2)  # to page through three documents
    contract = DocumentType.objects.get(name="合同")
    customer = customer_create(actor=None, name="上海ABC贸易有限公司", owner=office)
    file_contracts(customer, contract, 3)
    document_type_update(
        actor=None, document_type=contract, naming_template="{title}_{date:%Y年%m月%d日}"
    )
    sign_in(page, "itadmin", PASSWORD)
    page.goto(f"/manage/types/{contract.pk}/")
    names = page.locator("#names")
    names.get_by_role("cell", name="购销合同0_2023年01月01日").wait_for()  # loaded by htmx
    names.get_by_role("link", name="下一页").click()
    names.get_by_role("cell", name="购销合同2_2023年01月01日").wait_for()
    assert page.url.endswith(f"/manage/types/{contract.pk}/")  # swapped in place
    shot(page, "admin-type-names")
    names.get_by_role("link", name="执行命名规则…").click()
    page.get_by_text("将有 3 个文档改名。").wait_for()
    shot(page, "admin-type-rename")
    page.get_by_role("button", name="给文档改名").click()
    page.get_by_text("已给 3 个文档改名。").wait_for()
    page.locator("#names").get_by_text("此类型的所有文档都已按规则命名。").wait_for()
    page.goto("/manage/users/")
    page.get_by_role("link", name="审计日志 itadmin").click()
    page.get_by_role("heading", name="itadmin 的审计日志").wait_for()
    assert page.get_by_role("cell", name="执行命名规则：合同").is_visible()
    page.get_by_label("操作").select_option(label="登录")
    page.get_by_role("button", name="筛选").click()
    page.get_by_role("cell", name="登录").first.wait_for()
    assert page.get_by_role("cell", name="设置变更").count() == 0
    shot(page, "admin-audit")


def test_tags_show_their_colours_and_are_recoloured_in_place(page, office, catalogue):
    sign_in(page, "itadmin", PASSWORD)
    page.goto("/manage/tags/")
    create = page.locator("form.tag-create")
    create.get_by_label("名称").fill("待签字")
    create.get_by_label("颜色").fill("#0ea5e9")
    assert create.locator("[data-tag-sample]").inner_text() == "待签字"  # admin.js
    create.get_by_role("button", name="创建标签").click()
    page.get_by_text("标签 待签字 已创建。").wait_for()
    row = page.locator("#tag-" + str(Tag.objects.get(name="待签字").pk))
    assert background(row.locator(".swatch")) == "rgb(14, 165, 233)"
    important = page.locator("#tag-" + str(Tag.objects.get(name="重要").pk))
    important.get_by_label("重要 的颜色").fill("#16a34a")
    important.get_by_role("button", name="保存 重要").click()
    important.get_by_text("已保存").wait_for()
    assert background(important.locator(".swatch")) == "rgb(22, 163, 74)"  # repainted
    assert Tag.objects.get(name="重要").color == "#16a34a"
    shot(page, "admin-tags")
    important.get_by_role("link", name="删除 重要").click()
    shot(page, "admin-tag-delete")
    page.get_by_role("button", name="删除标签").click()
    page.get_by_text("标签 重要 已删除。").wait_for()


def background(locator) -> str:
    return locator.evaluate("element => getComputedStyle(element).backgroundColor")


def test_the_administration_in_english_and_on_a_tablet(page, office, catalogue):
    language_set(user=office, language="en")
    sign_in(page, "itadmin", PASSWORD)
    page.goto("/manage/users/")
    page.get_by_role("heading", name="Users").wait_for()
    assert page.get_by_role("columnheader", name="Last sign-in").is_visible()
    assert re.search(r"Locked until \d\d:\d\d", page.content())
    shot(page, "admin-users-en")
    page.goto("/manage/types/")
    assert page.get_by_text("Archive number pattern").first.is_visible()
    shot(page, "admin-types-en")
    language_set(user=office, language="zh-hans")
    page.set_viewport_size({"width": 820, "height": 1100})
    page.goto("/manage/types/")
    shot(page, "admin-types-tablet")
    page.goto("/manage/tags/")
    shot(page, "admin-tags-tablet")
