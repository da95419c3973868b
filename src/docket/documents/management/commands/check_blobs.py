"""docket check: verify every version's blob; exit 1 on any problem."""

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)

from docket.documents import fixity


class Command(BaseCommand):
    help = "Verify that every version's blob exists and matches its SHA-256; list orphans."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument(
            "--delete-orphans",
            action="store_true",
            help="delete orphan blobs older than an hour, and stale temporary files",
        )

    def handle(
        self, *args: object, no_progress: bool, delete_orphans: bool, **options: object
    ) -> None:
        console = Console(file=self.stdout, highlight=False)
        with Progress(
            TextColumn("checking blobs"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            disable=no_progress,
            transient=True,
        ) as progress:
            bar = progress.add_task("check", total=None)
            report = fixity.run_check(
                on_progress=lambda done, total: progress.update(bar, completed=done, total=total)
            )

        console.print(f"Checked {report.blobs_checked} blobs ({report.bytes_checked:,} bytes).")
        for problem in report.problems:
            console.print(
                f"{problem.kind.upper()} {problem.sha256}: {problem.detail} "
                f"(used by {', '.join(problem.versions)})"
            )
        for archive_number in report.documents_without_versions:
            console.print(f"NO VERSION document {archive_number} has no version")
        for sha256 in report.orphans:
            console.print(f"ORPHAN {sha256}: stored but named by no version")
        for path in report.stale_temp_files:
            console.print(f"STALE TEMP {path}: left by an interrupted upload")
        if delete_orphans:
            deleted = fixity.delete_orphans(report)
            for item in deleted:
                console.print(f"deleted {item}")
            report.orphans = [sha for sha in report.orphans if sha not in deleted]
        if report.ok:
            console.print("OK: every blob is present and intact.")
            return
        raise CommandError(
            f"{len(report.problems)} damaged or missing, {len(report.orphans)} orphan, "
            f"{len(report.documents_without_versions)} without versions"
        )
