"""audit_record: every event is chained to the one before, the same way on both databases."""

import datetime
import decimal
import hashlib
import json
import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import RequestFactory

from docket.audit.chain import CANONICAL_FIELDS, chain_hash
from docket.audit.models import GENESIS_HASH, AuditEvent, AuditHead
from docket.audit.services import audit_record
from docket.audit.verify import verify_chain
from docket.core.errors import InvalidInput
from tests.audit.conftest import CHROME_UA

pytestmark = pytest.mark.django_db


def stored(seq: int) -> AuditEvent:
    return AuditEvent.objects.get(seq=seq)


def test_events_are_numbered_from_one_and_each_links_to_the_one_before(record):
    record(3)
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[0].prev_hash == GENESIS_HASH == "0" * 64
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    head = AuditHead.objects.get()
    assert (head.seq, head.hash) == (3, events[2].hash)


def test_the_hash_is_sha256_of_the_previous_hash_and_the_canonical_json(user, customer):
    event = audit_record(
        action=AuditEvent.Action.DOWNLOAD,
        actor=user,
        document_id=42,
        customer_id=customer.id,
        details={"文件名": "上海ABC贸易有限公司_合同_20230101.pdf", "版本": 2},
    )
    event = stored(event.seq)
    content = {
        "seq": event.seq,
        "at": event.at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor_id": user.id,
        "actor_name": "zhangwei",
        "action": "download",
        "outcome": "success",
        "document_id": 42,
        "customer_id": customer.id,
        "ip": "",
        "user_agent": "",
        "details": {"文件名": "上海ABC贸易有限公司_合同_20230101.pdf", "版本": 2},
        "prev_hash": stored(event.seq - 1).hash,  # the customer's creation came first
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert "上海ABC贸易有限公司" in canonical  # the characters themselves, not \u escapes
    expected = hashlib.sha256((content["prev_hash"] + canonical).encode("utf-8")).hexdigest()
    assert event.hash == expected


def test_what_the_database_gives_back_hashes_the_same_as_what_was_written(user):
    awkward = {
        "查询": "上海ABC贸易有限公司 合同",
        "z": {"b": [1, 2, {"y": None, "x": True}], "a": "乙"},  # keys jsonb will reorder
        "amount": decimal.Decimal("128000.00"),
        "date": datetime.date(2023, 1, 1),
        "ratio": 1e16,  # jsonb would print this float back as an integer
        "nul": "a\x00b",
        7: "a key that is a number",
    }
    written = audit_record(action=AuditEvent.Action.EDIT, actor=user, details=awkward)
    read = AuditEvent.objects.values_list(*CANONICAL_FIELDS, "hash").get(seq=written.seq)
    values = dict(zip(CANONICAL_FIELDS, read[:-1], strict=True))
    assert chain_hash(values) == read[-1] == written.hash
    assert values["details"]["amount"] == "128000.00"
    assert values["details"]["ratio"] == "1e+16"
    assert values["details"]["nul"] == "ab"
    assert values["details"]["7"] == "a key that is a number"


def test_an_event_at_a_whole_second_keeps_its_six_microsecond_digits(user, clock):
    clock(datetime.datetime(2024, 3, 1, 9, 0, 0))
    event = audit_record(action=AuditEvent.Action.VIEW, actor=user)
    assert stored(event.seq).at == event.at
    assert verify_chain().intact


def test_the_request_gives_the_address_and_the_user_agent(user):
    request = RequestFactory().get("/", REMOTE_ADDR="10.8.0.7", HTTP_USER_AGENT=CHROME_UA)
    event = stored(audit_record(action=AuditEvent.Action.VIEW, actor=user, request=request).seq)
    assert event.ip == "10.8.0.7"
    assert event.user_agent == CHROME_UA


def test_a_user_agent_is_cut_to_500_characters_and_mojibake_is_repaired(user):
    long_agent = "浏览器" * 300
    request = RequestFactory().get("/", HTTP_USER_AGENT=long_agent)
    event = stored(audit_record(action=AuditEvent.Action.VIEW, request=request).seq)
    assert event.user_agent == long_agent[:500]
    # What a WSGI server hands over for UTF-8 bytes: each byte as a latin-1 character.
    wsgi_text = "QQ浏览器".encode().decode("latin-1")
    request = RequestFactory().get("/", HTTP_USER_AGENT=wsgi_text)
    assert audit_record(action=AuditEvent.Action.VIEW, request=request).user_agent == "QQ浏览器"


def test_an_address_that_is_not_an_ip_is_left_out(user):
    request = RequestFactory().get("/", REMOTE_ADDR="unknown")
    assert audit_record(action=AuditEvent.Action.VIEW, request=request).ip == ""
    request = RequestFactory().get("/", REMOTE_ADDR="2001:DB8:0:0::1")
    assert audit_record(action=AuditEvent.Action.VIEW, request=request).ip == "2001:db8::1"


def test_an_unknown_action_or_outcome_is_refused_and_nothing_is_recorded(user):
    with pytest.raises(InvalidInput, match="unknown audit action"):
        audit_record(action="peek", actor=user)
    with pytest.raises(InvalidInput, match="unknown audit outcome"):
        audit_record(action=AuditEvent.Action.VIEW, outcome="maybe")
    assert not AuditEvent.objects.exists()


def test_an_event_recorded_in_the_callers_transaction_rolls_back_with_it(record, user):
    record(1)
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(action=AuditEvent.Action.EDIT, actor=user, document_id=5)
        raise RuntimeError("the edit failed after the event was written")
    assert not AuditEvent.objects.filter(action="edit").exists()
    assert AuditHead.objects.get().seq == 1
    assert record(1)[0].seq == 2  # no gap: the rolled-back seq is issued again
    assert verify_chain().intact


def test_a_denial_recorded_durably_before_raising_survives_the_rollback(user):
    def download_without_permission() -> None:
        audit_record(
            action=AuditEvent.Action.DOWNLOAD,
            actor=user,
            outcome=AuditEvent.Outcome.DENIED,
            document_id=9,
            durable=True,
        )
        with transaction.atomic():
            raise PermissionError("no access to document 9")

    with pytest.raises(PermissionError):
        download_without_permission()
    assert AuditEvent.objects.get().outcome == "denied"


def test_a_durable_event_refuses_to_run_inside_a_transaction_that_could_roll_it_back(user):
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        audit_record(action=AuditEvent.Action.DOWNLOAD, actor=user, durable=True)


def test_a_deleted_users_events_keep_their_name_and_still_verify(record, other_user):
    record(2, actor=other_user)
    other_id = other_user.id
    other_user.delete()
    events = AuditEvent.objects.order_by("seq")
    assert [(e.actor_id, e.actor_uid, e.actor_name) for e in events] == [
        (None, other_id, "lina"),
        (None, other_id, "lina"),
    ]
    assert verify_chain().intact


def test_an_anonymous_user_is_recorded_as_no_one(db):
    from django.contrib.auth.models import AnonymousUser

    event = audit_record(action=AuditEvent.Action.SEARCH, actor=AnonymousUser())
    assert (event.actor_uid, event.actor_name) == (None, "")


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain():
    users = [
        get_user_model().objects.create_user(username=f"写入者{i}", password="pw-123456")
        for i in range(4)
    ]
    errors: list[BaseException] = []

    def write(actor) -> None:
        try:
            for _ in range(15):
                with transaction.atomic():  # as a service would: the event in its transaction
                    audit_record(action=AuditEvent.Action.VIEW, actor=actor)
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == list(
        range(1, 61)
    )
    report = verify_chain()
    assert report.intact and report.events == 60
