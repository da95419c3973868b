"""Alerts: a burst of downloads, repeated failed logins, access outside working hours — one
AuditAlert each and a mail to the admins once the transaction commits, never twice in a window."""

import datetime

import pytest

from docket.audit.models import AuditAlert, AuditEvent

pytestmark = pytest.mark.django_db

DOWNLOAD = AuditEvent.Action.DOWNLOAD
TUESDAY_10AM = datetime.datetime(2024, 3, 5, 10, 0)  # Shanghai time


@pytest.fixture(autouse=True)
def admins(settings):
    settings.ADMINS = [("档案管理员", "archivist@example.com")]
    settings.DOCKET_ALERT_DOWNLOADS = (50, 10)
    settings.DOCKET_ALERT_FAILED_LOGINS = (5, 15)
    settings.DOCKET_ALERT_WORKING_HOURS = ("08:00", "20:00", (0, 1, 2, 3, 4))


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """A block whose on-commit work (the mail) runs at its end, as after a real commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def downloads(record, clock, user, count: int, start: datetime.datetime, every_seconds: int = 5):
    for i in range(count):
        clock(start + datetime.timedelta(seconds=i * every_seconds))
        record(1, actor=user, action=DOWNLOAD, document_id=100 + i)


def test_more_than_50_downloads_in_10_minutes_raises_one_alert_and_mails_the_admins(
    record, clock, user, committed, mailoutbox
):
    with committed():
        downloads(record, clock, user, 51, TUESDAY_10AM)
    alert = AuditAlert.objects.get()
    assert (alert.kind, alert.user, alert.subject) == ("downloads", user, "zhangwei")
    assert (alert.first_seq, alert.last_seq) == (1, 51)
    assert alert.message == "zhangwei downloaded 51 documents within 10 minutes"
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["archivist@example.com"]
    assert "zhangwei downloaded 51 documents" in mailoutbox[0].body


def test_50_downloads_or_51_spread_over_more_than_10_minutes_raise_nothing(
    record, clock, user, committed, mailoutbox
):
    with committed():
        downloads(record, clock, user, 50, TUESDAY_10AM)
        downloads(record, clock, user, 1, TUESDAY_10AM + datetime.timedelta(minutes=11))
    assert not AuditAlert.objects.exists() and mailoutbox == []


def test_the_same_burst_does_not_alert_twice_within_the_window(
    record, clock, user, committed, mailoutbox
):
    with committed():
        downloads(record, clock, user, 80, TUESDAY_10AM)
    assert AuditAlert.objects.count() == 1 and len(mailoutbox) == 1
    with committed():
        downloads(record, clock, user, 51, TUESDAY_10AM + datetime.timedelta(minutes=30))
    assert AuditAlert.objects.count() == 2 and len(mailoutbox) == 2


def test_denied_downloads_and_other_users_downloads_are_not_counted(
    record, clock, user, other_user
):
    downloads(record, clock, user, 30, TUESDAY_10AM)
    downloads(record, clock, other_user, 30, TUESDAY_10AM)
    clock(TUESDAY_10AM + datetime.timedelta(minutes=3))
    record(30, actor=user, action=DOWNLOAD, outcome=AuditEvent.Outcome.DENIED)
    assert not AuditAlert.objects.exists()


def test_the_download_rule_follows_its_setting_and_can_be_turned_off(record, clock, user, settings):
    settings.DOCKET_ALERT_DOWNLOADS = (3, 1)
    downloads(record, clock, user, 4, TUESDAY_10AM)
    assert AuditAlert.objects.count() == 1
    settings.DOCKET_ALERT_DOWNLOADS = None
    downloads(record, clock, user, 10, TUESDAY_10AM + datetime.timedelta(hours=1))
    assert AuditAlert.objects.count() == 1


def failed_login(record, username: str, ip: str) -> None:
    from django.test import RequestFactory

    request = RequestFactory().post("/api-auth/login/", REMOTE_ADDR=ip)
    record(
        1,
        action=AuditEvent.Action.LOGIN_FAILED,
        outcome=AuditEvent.Outcome.FAILURE,
        request=request,
        details={"username": username},
    )


def test_more_than_5_failed_logins_for_one_username_raise_an_alert(
    record, clock, user, committed, mailoutbox
):
    clock(TUESDAY_10AM)
    with committed():
        for i in range(6):
            failed_login(record, "zhangwei", f"10.0.0.{i + 1}")
    alert = AuditAlert.objects.get()
    assert (alert.kind, alert.subject, alert.user) == ("failed_logins", "zhangwei", user)
    assert "6 failed logins for user 'zhangwei'" in alert.message
    with committed():
        failed_login(record, "zhangwei", "10.0.0.99")
    assert AuditAlert.objects.count() == 1 and len(mailoutbox) == 1


def test_more_than_5_failed_logins_from_one_address_raise_an_alert(record, clock):
    clock(TUESDAY_10AM)
    for name in ["王伟", "王芳", "李娜", "刘洋", "陈静", "杨勇"]:
        failed_login(record, name, "203.0.113.7")
    alert = AuditAlert.objects.get()
    assert (alert.kind, alert.subject, alert.user) == ("failed_logins", "203.0.113.7", None)
    assert alert.message == "6 failed logins from 203.0.113.7 within 15 minutes"


def test_failed_logins_spread_over_more_than_15_minutes_raise_nothing(record, clock):
    for i in range(6):
        clock(TUESDAY_10AM + datetime.timedelta(minutes=4 * i))
        failed_login(record, "zhangwei", "10.0.0.1")
    assert not AuditAlert.objects.exists()


@pytest.mark.parametrize(
    "moment",
    [
        datetime.datetime(2024, 3, 5, 22, 30),  # Tuesday night
        datetime.datetime(2024, 3, 5, 7, 59),  # before eight
        datetime.datetime(2024, 3, 9, 10, 0),  # Saturday
    ],
)
def test_access_outside_working_hours_raises_an_alert(
    record, clock, user, moment, committed, mailoutbox
):
    clock(moment)
    with committed():
        record(1, actor=user, action=AuditEvent.Action.VIEW, document_id=7)
    alert = AuditAlert.objects.get()
    assert (alert.kind, alert.user, alert.first_seq) == ("off_hours", user, 1)
    assert "outside working hours 08:00–20:00" in alert.message
    assert len(mailoutbox) == 1


def test_access_in_working_hours_or_a_search_at_night_raises_nothing(record, clock, user):
    clock(datetime.datetime(2024, 3, 5, 19, 59))
    record(1, actor=user, action=AuditEvent.Action.PREVIEW, document_id=7)
    clock(datetime.datetime(2024, 3, 5, 23, 0))
    record(1, actor=user, action=AuditEvent.Action.SEARCH)
    assert not AuditAlert.objects.exists()


def test_working_hours_are_in_the_sites_time_zone(record, clock, user):
    # 01:30 UTC is 09:30 in Shanghai: working hours.
    clock(datetime.datetime(2024, 3, 5, 1, 30, tzinfo=datetime.UTC))
    record(1, actor=user, action=AuditEvent.Action.DOWNLOAD, document_id=7)
    assert not AuditAlert.objects.exists()


def test_a_night_of_access_raises_one_off_hours_alert(record, clock, user, settings):
    for minute in range(0, 180, 20):
        clock(datetime.datetime(2024, 3, 5, 22, 0) + datetime.timedelta(minutes=minute))
        record(1, actor=user, action=AuditEvent.Action.VIEW, document_id=7)
    assert AuditAlert.objects.count() == 1
    settings.DOCKET_ALERT_WORKING_HOURS = None
    clock(datetime.datetime(2024, 3, 8, 23, 0))
    record(1, actor=user, action=AuditEvent.Action.VIEW, document_id=7)
    assert AuditAlert.objects.count() == 1


def test_an_alert_rolls_back_with_its_event_and_sends_no_mail(record, clock, user, mailoutbox):
    from django.db import transaction

    clock(datetime.datetime(2024, 3, 5, 23, 0))
    with pytest.raises(RuntimeError), transaction.atomic():
        record(1, actor=user, action=AuditEvent.Action.VIEW, document_id=7)
        raise RuntimeError("the view failed")
    assert not AuditAlert.objects.exists() and mailoutbox == []


def test_the_admins_who_get_alerts_are_read_from_the_environment():
    from docket.settings import parse_admins

    assert parse_admins("") == []
    assert parse_admins("张伟 <zhangwei@example.com>, it@example.com") == [
        ("张伟", "zhangwei@example.com"),
        ("it@example.com", "it@example.com"),
    ]
