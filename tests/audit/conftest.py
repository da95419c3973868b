import contextlib
import datetime
import importlib
import zoneinfo
from collections.abc import Callable, Iterator

import pytest
from django.db import connection

from docket.audit import services
from docket.audit.models import AuditEvent
from docket.audit.services import audit_record

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
CHROME_UA = "Mozilla/5.0 (Windows NT 10.0) Chrome/120.0 Safari/537.36 QQBrowser/12.0 中文版"

_migration = importlib.import_module("docket.audit.migrations.0001_initial")


@contextlib.contextmanager
def as_dba() -> Iterator:
    """Drop the append-only triggers, as someone with full database rights could, and put
    them back afterwards. Yields a cursor for the raw SQL of the tampering."""
    sqlite = connection.vendor == "sqlite"
    drop = _migration.SQLITE_DROP if sqlite else _migration.POSTGRESQL_DROP
    create = _migration.SQLITE_TRIGGERS if sqlite else _migration.POSTGRESQL_TRIGGERS
    with connection.cursor() as cursor:
        for statement in drop:
            cursor.execute(statement)
        try:
            yield cursor
        finally:
            for statement in create:
                cursor.execute(statement)


@pytest.fixture
def record(db) -> Callable[..., list[AuditEvent]]:
    """Record `count` events (search events with a Chinese query unless told otherwise)."""

    def make(count: int = 1, **kwargs: object) -> list[AuditEvent]:
        kwargs.setdefault("action", AuditEvent.Action.SEARCH)
        kwargs.setdefault("details", {"q": "上海ABC贸易有限公司 合同"})
        return [audit_record(**kwargs) for _ in range(count)]

    return make


@pytest.fixture
def clock(monkeypatch) -> Callable[[datetime.datetime], None]:
    """Set the time audit_record stamps on the next events (naive = Shanghai local time)."""

    def set_time(moment: datetime.datetime) -> None:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=SHANGHAI)
        monkeypatch.setattr(services, "now", lambda: moment)

    return set_time


@pytest.fixture(autouse=True)
def fast_passwords(settings) -> None:
    # The shared user fixtures hash passwords; PBKDF2 makes that most of a test's time here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
