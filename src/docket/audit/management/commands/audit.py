"""docket audit verify | export: check the hash chain; write the events to a file."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from docket.audit.export import FORMATS, export_lines
from docket.audit.filters import event_filters
from docket.audit.models import AuditEvent
from docket.audit.selectors import filter_audit_events
from docket.audit.services import audit_record
from docket.audit.verify import verify_chain
from docket.core.errors import DocketError


class Command(BaseCommand):
    help = "The audit trail: `verify` recomputes the hash chain, `export` writes the events."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("verify", help="recompute the chain; name the first broken link")
        export = sub.add_parser("export", help="write events as CSV or JSON Lines")
        export.add_argument("--format", choices=list(FORMATS), default="csv")
        export.add_argument("--output", default="", help="a file (default: standard output)")
        export.add_argument("--document", default="", help="a document id")
        export.add_argument("--user", default="", help="a username or user id")
        export.add_argument("--since", default="", help="YYYY-MM-DD or YYYY-MM-DDTHH:MM")

    def handle(self, *args: object, **options: Any) -> None:
        if options["subcommand"] == "verify":
            self._verify()
        else:
            self._export(options)

    def _verify(self) -> None:
        report = verify_chain()
        if report.broken:
            raise CommandError(str(report.broken))
        self.stdout.write(f"audit trail intact: {report.events} events")

    def _export(self, options: dict[str, Any]) -> None:
        fmt = options["format"]
        try:
            filters = event_filters({k: options[k] for k in ("document", "user", "since")})
        except DocketError as exc:
            raise CommandError(exc.message) from exc
        audit_record(
            action=AuditEvent.Action.AUDIT_EXPORT,
            details={
                "format": fmt,
                "via": "cli",
                "filters": {k: options[k] for k in ("document", "user", "since") if options[k]},
            },
            durable=True,
        )
        events = filter_audit_events(**filters)
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8", newline="") as out:
                count = _write(out, events, fmt)
            self.stderr.write(f"exported {count} events to {options['output']}")
        else:
            _write(self.stdout, events, fmt)


def _write(out: Any, events: Any, fmt: str) -> int:
    lines = 0
    for line in export_lines(events, fmt):
        out.write(line)
        lines += 1
    return lines - 1 if fmt == "csv" else lines  # the CSV header is not an event
