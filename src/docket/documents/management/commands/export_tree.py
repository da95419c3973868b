"""docket export DIR: every live document's current file under DIR/<customer>/, named by its
type's naming rule, plus DIR/manifest.csv. Exit status 1 when any file could not be written."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from docket.core.errors import DocketError
from docket.documents import exporter
from docket.documents.lookups import find_customer


class Command(BaseCommand):
    help = "Export every live document's current version, with a manifest.csv, to DIR."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("directory", metavar="DIR")
        parser.add_argument("--customer", default="", help="only this customer (id, code, name)")
        parser.add_argument("--force", action="store_true", help="write into a non-empty DIR")
        parser.add_argument("--no-progress", action="store_true")

    def handle(
        self,
        *args: object,
        directory: str,
        customer: str,
        force: bool,
        no_progress: bool,
        **options: object,
    ) -> None:
        root = Path(directory)
        with Progress(
            TextColumn("exporting"),
            BarColumn(),
            MofNCompleteColumn(),
            console=Console(stderr=True),
            disable=no_progress,
            transient=True,
        ) as progress:
            bar = progress.add_task("export", total=None)
            try:
                only = find_customer(customer) if customer else None
                report = exporter.export_tree(
                    root=root,
                    customer=only,
                    force=force,
                    on_progress=lambda done, total: progress.update(
                        bar, completed=done, total=total
                    ),
                )
            except DocketError as exc:
                raise CommandError(exc.message) from exc
        for failure in report.failures:
            self.stderr.write(f"FAILED {failure}")
        self.stdout.write(
            f"Exported {len(report.files)} documents to {root} "
            f"(manifest: {root / exporter.MANIFEST_NAME})."
        )
        if not report.ok:
            raise CommandError(f"{len(report.failures)} documents could not be exported")
