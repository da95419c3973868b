"""docket worker: run background jobs. Before it starts taking jobs it requeues ingest jobs
that a dead worker left RUNNING (killed, machine lost), so no file waits forever."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from docket.core.maintenance import refresh_planner_statistics
from docket.ingest.services import recover_stalled_jobs


class Command(BaseCommand):
    help = "Run background jobs (ingest pipeline, text extraction, retraining)."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--batch", action="store_true", help="run what is queued, then exit")
        parser.add_argument("--interval", type=float, default=1.0)
        parser.add_argument(
            "--stall-minutes",
            type=float,
            default=None,
            help="a RUNNING job quiet this long belongs to a dead worker (default: the setting)",
        )

    def handle(
        self,
        *args: object,
        batch: bool,
        interval: float,
        stall_minutes: float | None,
        **options: object,
    ) -> None:
        import datetime

        refresh_planner_statistics()
        older_than = None if stall_minutes is None else datetime.timedelta(minutes=stall_minutes)
        for job in recover_stalled_jobs(older_than=older_than):
            self.stdout.write(f"requeued {job.original_name} ({job.id}): its worker had stopped")
        call_command(
            "db_worker",
            batch=batch,
            interval=interval,
            startup_delay=False,
            verbosity=options.get("verbosity", 1),
        )
