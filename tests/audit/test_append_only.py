"""The database itself refuses to change or remove an audit event, or to wind the anchor back."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client

from docket.audit.models import AuditEvent, AuditHead
from docket.audit.verify import verify_chain

pytestmark = pytest.mark.django_db

# Every column the hash covers, with a value different from what `record` writes.
CHANGES = {
    "seq": 99,
    "at": "2000-01-01T00:00:00Z",
    "actor_uid": 12345,
    "actor_name": "王五",
    "action": "delete",
    "outcome": "denied",
    "document_id": 7,
    "customer_id": 8,
    "ip": "10.0.0.66",
    "user_agent": "伪造的浏览器",
    "details": {"q": "改过的查询"},
    "prev_hash": "f" * 64,
    "hash": "e" * 64,
}


def refused(match: str = "append-only"):
    """Expect the database to refuse; the savepoint keeps PostgreSQL's transaction usable."""
    return _Refused(match)


class _Refused:
    def __init__(self, match: str) -> None:
        self.raises = pytest.raises(DatabaseError, match=match)
        self.atomic = transaction.atomic()

    def __enter__(self) -> None:
        self.raises.__enter__()
        self.atomic.__enter__()

    def __exit__(self, *exc: object) -> bool:
        self.atomic.__exit__(*exc)
        return self.raises.__exit__(*exc)


def settle_deferred_checks() -> None:
    """PostgreSQL will not TRUNCATE a table with foreign-key checks still pending in the same
    transaction (the test's); check them now, as a commit would."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def snapshot() -> list[tuple]:
    return list(AuditEvent.objects.order_by("seq").values_list())


def test_every_hashed_column_covers_the_model():
    hashed = {f.attname for f in AuditEvent._meta.concrete_fields} - {"actor_id"}
    assert hashed == set(CHANGES)


@pytest.mark.parametrize("column", sorted(CHANGES))
def test_updating_any_column_of_an_event_fails_and_changes_nothing(record, column):
    record(3)
    before = snapshot()
    with refused():
        AuditEvent.objects.filter(seq=2).update(**{column: CHANGES[column]})
    assert snapshot() == before


def test_deleting_events_fails_and_changes_nothing(record):
    record(3)
    before = snapshot()
    with refused():
        AuditEvent.objects.filter(seq=3).delete()
    with refused():
        AuditEvent.objects.all().delete()
    with refused(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = 1")
    assert snapshot() == before


def test_saving_a_changed_event_fails(record):
    event = record(1)[0]
    event.details = {"q": "悄悄改掉"}
    with refused():
        event.save()
    assert AuditEvent.objects.get().details == {"q": "上海ABC贸易有限公司 合同"}


def test_truncating_the_trail_fails(record):
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's; SQLite's DELETE is covered above")
    record(2)
    settle_deferred_checks()
    with refused(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_auditevent")
    with refused("cannot be removed"), connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_audithead")
    assert AuditEvent.objects.count() == 2


def test_the_anchor_cannot_be_deleted_or_wound_back(record):
    record(3)
    with refused("cannot be"):
        AuditHead.objects.all().delete()
    with refused("only moves forward"):
        AuditHead.objects.update(seq=2)
    with refused("only moves forward"):
        AuditHead.objects.update(seq=5)
    assert AuditHead.objects.get().seq == 3


def test_the_only_update_allowed_is_forgetting_a_deleted_users_link(record, user, other_user):
    record(1, actor=user)
    with refused():
        AuditEvent.objects.update(actor=other_user)
    AuditEvent.objects.update(actor=None)  # what Django's SET_NULL does when a user goes
    event = AuditEvent.objects.get()
    assert (event.actor_id, event.actor_uid, event.actor_name) == (None, user.id, "zhangwei")
    assert verify_chain().intact


def test_docket_flush_empties_the_trail_with_everything_else(record):
    record(2)
    settle_deferred_checks()
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    assert not AuditEvent.objects.exists() and not AuditHead.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM audit_unlock")
        assert cursor.fetchone()[0] == 0  # the trail is locked again
    record(1)
    with refused():
        AuditEvent.objects.all().delete()


def test_the_admin_shows_events_but_offers_no_add_change_or_delete(record, admin_user):
    record(1)
    client = Client()
    client.force_login(admin_user)  # itself an event: seq 2
    assert client.get("/admin/audit/auditevent/").status_code == 200
    page = client.get("/admin/audit/auditevent/1/change/")
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    assert client.post("/admin/audit/auditevent/1/delete/", {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.count() == 2
