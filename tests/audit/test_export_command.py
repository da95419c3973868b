"""`docket audit export`: the events to a file or standard output, filtered, and itself audited."""

import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command

from docket.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(record, clock, user, other_user):
    clock(datetime.datetime(2024, 3, 4, 9, 0))
    record(1, actor=user, action=AuditEvent.Action.VIEW, document_id=11)
    clock(datetime.datetime(2024, 3, 5, 9, 0))
    record(1, actor=user, action=AuditEvent.Action.DOWNLOAD, document_id=11)
    record(1, actor=other_user, action=AuditEvent.Action.VIEW, document_id=11)
    record(1, actor=user, action=AuditEvent.Action.SEARCH)


def test_export_writes_a_filtered_csv_file_with_a_bom(events, tmp_path, capsys):
    target = tmp_path / "审计日志.csv"
    call_command(
        "audit",
        "export",
        "--format",
        "csv",
        "--output",
        str(target),
        "--document",
        "11",
        "--user",
        "zhangwei",
        "--since",
        "2024-03-05",
    )
    data = target.read_bytes()
    assert data.startswith("\ufeff".encode())
    lines = data.decode("utf-8-sig").splitlines()
    assert len(lines) == 2 and lines[1].startswith("2,")
    assert "exported 1 events" in capsys.readouterr().err


def test_export_writes_json_lines_to_standard_output_and_is_audited(events):
    out = io.StringIO()
    call_command("audit", "export", "--format", "jsonl", "--user", "lina", stdout=out)
    assert [json.loads(line)["seq"] for line in out.getvalue().splitlines()] == [3]
    export = AuditEvent.objects.order_by("seq").last()
    assert export.action == "audit_export" and export.actor is None
    assert export.details == {"format": "jsonl", "via": "cli", "filters": {"user": "lina"}}


def test_export_refuses_a_bad_date(events):
    with pytest.raises(CommandError, match="since must be a date"):
        call_command("audit", "export", "--since", "上周")
