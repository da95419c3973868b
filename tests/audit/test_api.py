"""/api/audit/: the events, filtered and paginated; their export; the alerts — for superusers
and roles with the view_audit capability only."""

import csv
import datetime
import hashlib
import io
import json

import pytest
from django.test import RequestFactory

from docket.access import seeds
from docket.audit.models import AuditAlert, AuditEvent
from tests.audit.conftest import CHROME_UA
from tests.conftest import client_for, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def salesperson(db):
    """王芳 works with documents and has no business reading the audit trail."""
    return user_with_role("wangfang", role=seeds.SALES)


@pytest.fixture
def auditor(db):
    """李娜 is an auditor: her role may read the audit trail and do nothing else."""
    from docket.access.models import Capability, Role

    Role.objects.create(code="auditor", name="审计员", capabilities=[Capability.VIEW_AUDIT])
    return user_with_role("lina", role="auditor")


@pytest.fixture
def events(record, user, admin_user, clock):
    clock(datetime.datetime(2024, 3, 4, 9, 30))  # a Monday morning in Shanghai
    record(1, actor=user, details={"q": "上海ABC贸易有限公司 合同"})
    clock(datetime.datetime(2024, 3, 5, 10, 0))
    record(1, actor=user, action=AuditEvent.Action.VIEW, document_id=11, customer_id=3)
    record(1, actor=user, action=AuditEvent.Action.DOWNLOAD, document_id=11, customer_id=3)
    clock(datetime.datetime(2024, 3, 6, 11, 0))
    record(1, actor=admin_user, action=AuditEvent.Action.EDIT, document_id=12, customer_id=4)
    return list(AuditEvent.objects.order_by("seq"))


def seqs(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [e["seq"] for e in response.json()["results"]]


def test_the_list_is_newest_first_and_paginated_like_every_other(events, admin_user):
    response = client_for(admin_user).get("/api/audit/", {"page_size": 3})
    body = response.json()
    assert body["count"] == 4 and body["next"] and body["previous"] is None
    assert [e["seq"] for e in body["results"]] == [4, 3, 2]
    first = client_for(admin_user).get("/api/audit/?page=2&page_size=3").json()["results"][0]
    assert first["seq"] == 1
    assert first["actor_name"] == "zhangwei"
    assert first["details"] == {"q": "上海ABC贸易有限公司 合同"}
    assert set(first) >= {"at", "actor", "action", "outcome", "ip", "prev_hash", "hash"}


def test_filters_narrow_the_list(events, admin_user, user):
    api = client_for(admin_user)
    assert seqs(api.get("/api/audit/", {"document": 11})) == [3, 2]
    assert seqs(api.get("/api/audit/", {"customer": 4})) == [4]
    assert seqs(api.get("/api/audit/", {"user": user.id})) == [3, 2, 1]
    assert seqs(api.get("/api/audit/", {"user": "admin"})) == [4]
    assert seqs(api.get("/api/audit/", {"action": "download"})) == [3]
    assert seqs(api.get("/api/audit/", {"since": "2024-03-05"})) == [4, 3, 2]
    assert seqs(api.get("/api/audit/", {"until": "2024-03-05"})) == [3, 2, 1]  # the whole day
    assert seqs(
        api.get("/api/audit/", {"since": "2024-03-05T10:00", "until": "2024-03-05T23:59"})
    ) == [
        3,
        2,
    ]


def test_a_deleted_users_events_are_still_found_by_name_and_id(events, admin_user, user):
    user_id = user.id
    user.delete()
    api = client_for(admin_user)
    assert seqs(api.get("/api/audit/", {"user": "zhangwei"})) == [3, 2, 1]
    assert seqs(api.get("/api/audit/", {"user": user_id})) == [3, 2, 1]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"document": "十一"}, "document"),
        ({"customer": "-1"}, "customer"),
        ({"action": "peek"}, "action"),
        ({"since": "2024-13-45"}, "since"),
        ({"until": "昨天"}, "until"),
    ],
)
def test_a_bad_filter_is_a_400_in_the_one_error_shape(events, admin_user, params, field):
    for url in ("/api/audit/", "/api/audit/export/"):
        response = client_for(admin_user).get(url, params)
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["code"] == "invalid" and field in error["fields"]


def test_only_auditors_may_read_the_trail(events, salesperson, auditor):
    for url in ("/api/audit/", "/api/audit/export/?format=csv", "/api/audit/alerts/"):
        denied = client_for(salesperson).get(url)
        assert denied.status_code == 403
        assert denied.json()["error"]["code"] == "permission_denied"
    assert seqs(client_for(auditor).get("/api/audit/")) == [4, 3, 2, 1]
    # nobody can write through the API
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client_for(auditor), method)("/api/audit/").status_code == 405


def test_the_list_needs_a_login(events):
    from rest_framework.test import APIClient

    assert APIClient().get("/api/audit/").status_code == 401


def test_the_list_costs_the_same_few_queries_however_many_events(
    events, record, admin_user, django_assert_max_num_queries
):
    api = client_for(admin_user)
    api.get("/api/audit/")  # the token's user is cached after this
    record(40, actor=admin_user)
    with django_assert_max_num_queries(5):
        assert len(seqs(api.get("/api/audit/"))) == 44


def test_the_csv_export_opens_in_excel_with_its_chinese_intact(events, admin_user):
    response = client_for(admin_user).get(
        "/api/audit/export/?format=csv", HTTP_USER_AGENT=CHROME_UA, REMOTE_ADDR="10.8.0.9"
    )
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    data = b"".join(response.streaming_content)
    assert data.startswith("\ufeff".encode())
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("seq,at,actor_id,actor_name,action")
    assert "上海ABC贸易有限公司 合同" in lines[1]
    assert len(lines) == 1 + 5  # the header, four events, and this export itself


def test_a_cell_excel_would_run_as_a_formula_is_defused_in_the_csv(admin_user, record):
    request = RequestFactory().get("/", HTTP_USER_AGENT='=HYPERLINK("http://evil")')
    record(1, actor=admin_user, request=request)
    response = client_for(admin_user).get("/api/audit/export/?format=csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["user_agent"] == '\'=HYPERLINK("http://evil")'
    assert rows[0]["details"] == '{"q": "上海ABC贸易有限公司 合同"}'


def test_an_export_is_itself_an_audit_event(events, admin_user):
    response = client_for(admin_user).get(
        "/api/audit/export/",
        {"format": "jsonl", "document": "11"},
        HTTP_USER_AGENT=CHROME_UA,
        REMOTE_ADDR="10.8.0.9",
    )
    b"".join(response.streaming_content)
    export = AuditEvent.objects.order_by("seq").last()
    assert export.action == "audit_export" and export.actor_name == "admin"
    assert export.details == {"format": "jsonl", "filters": {"document": "11"}}
    assert (export.ip, export.user_agent) == ("10.8.0.9", CHROME_UA)


def test_the_jsonl_export_is_enough_to_recompute_the_chain(events, admin_user):
    response = client_for(admin_user).get("/api/audit/export/", {"format": "jsonl"})
    assert response["Content-Type"] == "application/jsonl; charset=utf-8"
    records = [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]
    assert [r["seq"] for r in records] == [1, 2, 3, 4, 5]
    previous = "0" * 64
    for line in records:
        content = {k: v for k, v in line.items() if k != "hash"}
        text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        assert line["prev_hash"] == previous
        assert hashlib.sha256((previous + text).encode()).hexdigest() == line["hash"]
        previous = line["hash"]


def test_an_unknown_export_format_is_a_400(events, admin_user):
    response = client_for(admin_user).get("/api/audit/export/", {"format": "xlsx"})
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"format": ["format must be csv or jsonl"]}
    assert not AuditEvent.objects.filter(action="audit_export").exists()


def test_alerts_are_listed_for_auditors(events, auditor):
    AuditAlert.objects.create(
        kind=AuditAlert.Kind.DOWNLOADS,
        subject="zhangwei",
        message="zhangwei downloaded 51 documents within 10 minutes",
        at=events[-1].at,
        first_seq=1,
        last_seq=3,
    )
    body = client_for(auditor).get("/api/audit/alerts/").json()
    assert body["count"] == 1
    assert body["results"][0]["kind"] == "downloads"
    assert body["results"][0]["first_seq"] == 1
