"""The audit trail in the administration (/manage/audit/): a user's events filtered by
action and dates, newest first, a page at a time, in the reader's language, with the CSV
export of the same filters; for those who may read the audit trail, linked from Users."""

import datetime
import re
import zoneinfo

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from docket.access import seeds
from docket.access.models import Role
from docket.accounts.preferences import language_set
from docket.audit import services as audit_services
from docket.audit.models import AuditEvent
from docket.audit.services import audit_record
from docket.customers.services import customer_create
from tests.access.conftest import make_document
from tests.conftest import user_with_role
from tests.web.test_admin_pages import queries_for

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
User = get_user_model()
Action = AuditEvent.Action


@pytest.fixture
def admin_client(client) -> Client:
    """itadmin, an administrator (full control, so `view_audit`), signed in."""
    client.force_login(user_with_role("itadmin", role=seeds.ADMINISTRATOR))
    return client


@pytest.fixture
def day(monkeypatch):
    """Stamp the next events at noon of 2023年1月`n`日 (Shanghai)."""

    def set_day(n: int) -> None:
        moment = datetime.datetime(2023, 1, n, 12, tzinfo=SHANGHAI)
        monkeypatch.setattr(audit_services, "now", lambda: moment)

    return set_day


@pytest.fixture
def trail(db, day):
    """王芳 (wangfang) signs in, views and downloads a contract, searches; 李娜 downloads."""
    wangfang = user_with_role("wangfang", role=seeds.SALES)
    lina = user_with_role("lina", role=seeds.SALES)
    customer = customer_create(actor=None, name="上海ABC贸易有限公司", owner=wangfang)
    contract = make_document(customer, "购销合同HT-2023-0101", 1)
    day(1)
    audit_record(action=Action.LOGIN, actor=wangfang)
    audit_record(action=Action.VIEW, actor=wangfang, document_id=contract.pk)
    day(2)
    audit_record(action=Action.DOWNLOAD, actor=wangfang, document_id=contract.pk)
    audit_record(action=Action.DOWNLOAD, actor=lina, document_id=contract.pk)
    day(5)
    audit_record(action=Action.SEARCH, actor=wangfang, details={"q": "上海ABC 合同"})
    return wangfang, contract


def table(page: str) -> list[list[str]]:
    """The events table's body: each row's cells as text (time, user, action, concerning,
    details, address)."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in body.split("<tr>")[1:]
    ]


def test_a_users_trail_lists_their_events_newest_first_in_chinese(admin_client, trail):
    wangfang, contract = trail
    page = admin_client.get("/manage/audit/?user=wangfang").content.decode()
    assert "wangfang 的审计日志" in page
    events = table(page)
    assert [row[1] for row in events] == ["wangfang"] * 4
    assert [row[2] for row in events] == ["搜索", "下载", "查看", "登录"]
    assert events[0][4] == "搜索“上海ABC 合同”"
    assert events[1][0] == "2023-01-02 12:00:00" and events[1][3] == "购销合同HT-2023-0101"
    assert f'<a href="/documents/{contract.pk}/">购销合同HT-2023-0101</a>' in page


def test_the_trail_is_narrowed_by_action_and_by_dates_both_days_included(admin_client, trail):
    downloads = table(admin_client.get("/manage/audit/?action=download").content.decode())
    assert [(row[1], row[2]) for row in downloads] == [("lina", "下载"), ("wangfang", "下载")]
    url = "/manage/audit/?user=wangfang&since=2023-01-01&until=2023-01-02"
    assert [row[2] for row in table(admin_client.get(url).content.decode())] == [
        "下载",
        "查看",
        "登录",
    ]
    later = admin_client.get("/manage/audit/?since=2023-01-03&until=2023-01-04")
    assert table(later.content.decode()) == [["没有符合这些筛选条件的事件。"]]


def test_the_export_link_downloads_the_same_events_as_csv_and_is_recorded(admin_client, trail):
    page = admin_client.get("/manage/audit/?user=wangfang&action=download").content.decode()
    link = "/api/audit/export/?format=csv&amp;user=wangfang&amp;action=download"
    assert f'href="{link}"' in page
    answer = admin_client.get(link.replace("&amp;", "&"))
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/csv")
    lines = b"".join(answer.streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == 2 and lines[0].startswith("seq,at,actor_id,actor_name,action")
    assert ",wangfang,download," in lines[1]
    export = AuditEvent.objects.get(action=Action.AUDIT_EXPORT)
    assert export.actor_name == "itadmin"
    assert export.details["filters"] == {"user": "wangfang", "action": "download"}


def test_an_end_before_the_start_is_a_form_error_with_no_events_and_no_download(
    admin_client, trail
):
    answer = admin_client.get("/manage/audit/?since=2023-01-05&until=2023-01-01")
    page = answer.content.decode()
    assert answer.status_code == 200 and "结束日期早于开始日期。" in page
    assert "/api/audit/export/" not in page and table(page) == [["没有符合这些筛选条件的事件。"]]
    bad_date = admin_client.get("/manage/audit/?since=2023年1月1日").content.decode()
    assert "输入一个有效的日期。" in bad_date


def test_the_trail_in_english(admin_client, trail):
    language_set(user=User.objects.get(username="itadmin"), language="en")
    page = admin_client.get("/manage/audit/?user=wangfang").content.decode()
    assert "Audit trail of wangfang" in page and "Download CSV" in page
    assert [row[2] for row in table(page)] == ["Search", "Download", "View", "Log in"]


def test_an_uploads_retry_and_dismissal_are_named_in_the_readers_language(admin_client, trail):
    wangfang, _ = trail
    job = {"job": "5f0c…", "file": "扫描件.pdf"}
    audit_record(action=Action.INGEST_RETRY, actor=wangfang, details=job | {"given": ["title"]})
    audit_record(action=Action.INGEST_DISMISS, actor=wangfang, details=job)
    url = "/manage/audit/?user=wangfang"
    assert [row[2] for row in table(admin_client.get(url).content.decode())][:2] == [
        "移除上传",
        "重试上传",
    ]
    dismissals = admin_client.get("/manage/audit/?action=ingest_dismiss").content.decode()
    assert [row[2] for row in table(dismissals)] == ["移除上传"]
    language_set(user=User.objects.get(username="itadmin"), language="en")
    page = admin_client.get(url).content.decode()
    assert [row[2] for row in table(page)][:2] == ["Dismiss upload", "Retry upload"]


def test_the_users_list_links_each_user_to_their_trail(admin_client, trail):
    page = admin_client.get("/manage/users/").content.decode()
    assert 'href="/manage/audit/?user=wangfang"' in page
    assert 'href="/manage/audit/?user=lina"' in page


def test_a_user_manager_without_view_audit_gets_no_link_and_no_trail(client, trail):
    Role.objects.create(code="hr", name="人事", capabilities=["manage_users"])
    client.force_login(user_with_role("zhoujie", role="hr"))
    assert "/manage/audit/" not in client.get("/manage/users/").content.decode()
    assert client.get("/manage/audit/?user=wangfang").status_code == 403


def test_roles_without_view_audit_are_refused_the_trail(client, trail):
    for username, role in [("chenjing", seeds.MANAGER), ("huangli", seeds.ARCHIVIST)]:
        client.force_login(user_with_role(username, role=role))
        answer = client.get("/manage/audit/?user=wangfang")
        assert answer.status_code == 403
        assert "购销合同HT-2023-0101" not in answer.content.decode()


def test_an_auditor_with_only_view_audit_finds_the_trail_in_the_administration(client, trail):
    Role.objects.create(code="auditor", name="审计员", capabilities=["view_audit"])
    client.force_login(user_with_role("zhaomin", role="auditor"))
    assert 'href="/manage/"' in client.get("/").content.decode()
    landing = client.get("/manage/").content.decode()
    assert 'href="/manage/audit/"' in landing and "/manage/users/" not in landing
    page = client.get("/manage/audit/?user=wangfang").content.decode()
    assert len(table(page)) == 4
    assert "购销合同HT-2023-0101" not in page  # a title only when the reader may see it
    assert table(page)[1][3] == f"文档 {trail[1].pk}"


def test_the_trail_runs_as_many_queries_for_30_events_as_for_3(admin_client, trail):
    wangfang, contract = trail
    url = "/manage/audit/?user=wangfang"
    few = queries_for(admin_client, url)
    for _ in range(26):
        audit_record(action=Action.DOWNLOAD, actor=wangfang, document_id=contract.pk)
    assert queries_for(admin_client, url) == few
    assert len(table(admin_client.get(url).content.decode())) == 30


def test_the_trail_shows_each_users_name_with_the_username_on_hover(admin_client, trail):
    wangfang, _ = trail
    wangfang.first_name = "王芳"
    wangfang.save(update_fields=["first_name"])
    page = admin_client.get("/manage/audit/?user=wangfang").content.decode()
    assert [row[1] for row in table(page)] == ["王芳"] * 4
    assert page.count('<span title="wangfang">王芳</span>') == 4
