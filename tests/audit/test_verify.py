"""`docket audit verify`: an untouched chain verifies; each kind of tampering, done directly in
the database with the triggers dropped (as someone with full rights could), is named at the
first broken link, and the command exits non-zero."""

import os
import sqlite3
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from docket.audit.chain import chain_hash
from docket.audit.models import AuditEvent
from docket.audit.verify import verify_chain
from tests.audit.conftest import as_dba

pytestmark = pytest.mark.django_db


def run_verify(capsys) -> tuple[int, str]:
    """The command's exit code and what it printed (stdout, or the error on stderr)."""
    try:
        call_command("audit", "verify")
    except CommandError as exc:
        return exc.returncode, str(exc)
    return 0, capsys.readouterr().out


@pytest.fixture
def trail(record, user):
    """Five events by 张伟's account: searches, a view and a download."""
    record(3, actor=user)
    record(1, actor=user, action=AuditEvent.Action.VIEW, document_id=11, customer_id=3)
    record(1, actor=user, action=AuditEvent.Action.DOWNLOAD, document_id=11, customer_id=3)
    return list(AuditEvent.objects.order_by("seq"))


def test_an_untouched_chain_verifies(trail, capsys):
    assert run_verify(capsys) == (0, "audit trail intact: 5 events\n")


def test_an_empty_trail_verifies(db, capsys):
    assert run_verify(capsys) == (0, "audit trail intact: 0 events\n")


def test_altering_a_middle_event_is_named_as_the_first_broken_link(trail, capsys):
    with as_dba() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET details = %s WHERE seq = 3",
            ['{"q": "北京星河科技 报价单"}'],
        )
    code, message = run_verify(capsys)
    assert code == 1
    assert message == (
        "audit trail broken at seq 3: content altered: the event no longer matches its hash"
    )


def test_altering_the_last_event_is_caught_through_the_anchor(trail, capsys):
    with as_dba() as cursor:
        cursor.execute("UPDATE audit_auditevent SET actor_name = '李四' WHERE seq = 5")
    code, message = run_verify(capsys)
    assert code == 1
    assert message.startswith("audit trail broken at seq 5: content altered")


def test_deleting_a_middle_event_is_named_as_a_sequence_gap(trail, capsys):
    with as_dba() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = 2")
    code, message = run_verify(capsys)
    assert code == 1
    assert message == (
        "audit trail broken at seq 2: event missing: sequence gap: no seq 2 (next is 3)"
    )


def test_deleting_the_first_events_is_named_at_seq_1(trail, capsys):
    with as_dba() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq <= 2")
    assert run_verify(capsys) == (
        1,
        "audit trail broken at seq 1: event missing: sequence gap: no seqs 1–2 (next is 3)",
    )


def test_deleting_the_last_event_is_caught_by_the_anchor(trail, capsys):
    with as_dba() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = 5")
    assert run_verify(capsys) == (
        1,
        "audit trail broken at seq 5: event missing: "
        "the trail ends at seq 4 but the anchor records seq 5",
    )


def test_swapping_two_events_order_is_named_as_an_order_change(trail, capsys):
    with as_dba() as cursor:
        cursor.execute("UPDATE audit_auditevent SET seq = -1 WHERE seq = 2")
        cursor.execute("UPDATE audit_auditevent SET seq = 2 WHERE seq = 4")
        cursor.execute("UPDATE audit_auditevent SET seq = 4 WHERE seq = -1")
    code, message = run_verify(capsys)
    assert code == 1
    assert message == (
        "audit trail broken at seq 2: order changed: "
        "it was chained after the event now at seq 3, not after seq 1"
    )


def test_a_forged_event_with_a_made_up_hash_is_named_as_a_hash_mismatch(trail, capsys, user):
    # Inserting needs no trigger dropped: appending is allowed, but only the service links.
    forged = _forged_values(trail[-1], seq=6)
    AuditEvent.objects.create(**forged, hash="0" * 63 + "1")
    code, message = run_verify(capsys)
    assert code == 1
    assert message.startswith("audit trail broken at seq 6: hash mismatch")


def test_a_forged_event_chained_correctly_is_caught_beyond_the_anchor(trail, capsys):
    forged = _forged_values(trail[-1], seq=6)
    AuditEvent.objects.create(**forged, hash=chain_hash(forged))
    code, message = run_verify(capsys)
    assert code == 1
    assert message.startswith("audit trail broken at seq 6: event not appended by Docket")


def test_rewriting_a_hash_is_named_as_a_hash_mismatch(trail, capsys):
    with as_dba() as cursor:
        cursor.execute("UPDATE audit_auditevent SET hash = %s WHERE seq = 2", ["a" * 64])
    code, message = run_verify(capsys)
    assert code == 1
    assert message.startswith("audit trail broken at seq 2: hash mismatch")


def test_a_forger_who_rehashes_and_moves_the_anchor_is_not_caught(trail):
    """The limit services.py states: the hash is unkeyed, so whoever can write SQL can append
    an event exactly as Docket would. Keeping exports (or the anchor) elsewhere catches it."""
    forged = _forged_values(trail[-1], seq=6)
    AuditEvent.objects.create(**forged, hash=chain_hash(forged))
    from docket.audit.models import AuditHead

    AuditHead.objects.update(seq=6, hash=chain_hash(forged))
    assert verify_chain().intact


def test_the_first_break_is_found_across_batches(record, capsys):
    record(7)
    with as_dba() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'view' WHERE seq IN (6, 7)")
    report = verify_chain(batch_size=2)
    assert (report.events, report.broken.seq, report.broken.problem) == (5, 6, "content altered")


def test_a_gap_wider_than_a_batch_is_named_where_it_starts(record):
    record(8)
    with as_dba() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq BETWEEN 3 AND 6")
    report = verify_chain(batch_size=2)
    assert str(report.broken) == (
        "audit trail broken at seq 3: event missing: sequence gap: no seqs 3–6 (next is 7)"
    )
    with as_dba() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq >= 7")
    assert verify_chain(batch_size=2).broken.seq == 3  # now the end of the trail is missing


def _forged_values(last: AuditEvent, *, seq: int) -> dict:
    return {
        "seq": seq,
        "at": last.at,
        "actor_uid": last.actor_uid,
        "actor_name": "zhangwei",
        "action": "download",
        "outcome": "success",
        "document_id": 12,
        "customer_id": 3,
        "ip": "",
        "user_agent": "",
        "details": {},
        "prev_hash": last.hash,
    }


@pytest.mark.slow
def test_docket_audit_verify_exits_non_zero_from_the_command_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKET_")}
    env["DOCKET_DATA_DIR"] = str(tmp_path)

    def docket(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "docket.cli", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert docket("migrate", "-v0").returncode == 0
    code = (
        "from docket.audit.services import audit_record\n"
        "for _ in range(3): audit_record(action='search', details={'q': '合同'})"
    )
    assert docket("shell", "-c", code).returncode == 0
    intact = docket("audit", "verify")
    assert (intact.returncode, intact.stdout) == (0, "audit trail intact: 3 events\n")

    db = sqlite3.connect(tmp_path / "docket.sqlite3")
    with db:
        db.execute("DROP TRIGGER audit_event_no_update")
        db.execute('UPDATE audit_auditevent SET details = \'{"q": "报价"}\' WHERE seq = 2')
    db.close()
    broken = docket("audit", "verify")
    assert broken.returncode == 1
    assert "audit trail broken at seq 2: content altered" in broken.stderr
