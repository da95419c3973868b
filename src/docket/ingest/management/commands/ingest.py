"""docket ingest PATH…: send files (and folders, recursively) through the ingest pipeline."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from docket.core.errors import DocketError
from docket.documents.lookups import find_customer, find_document_type
from docket.ingest.folder import IGNORED_NAMES, IGNORED_PREFIXES
from docket.ingest.models import IngestJob
from docket.ingest.services import ingest_submit


class Command(BaseCommand):
    help = "Ingest files: type sniffed, text read (OCR where needed), filed and named."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("paths", nargs="+")
        parser.add_argument("--customer", default="", help="customer id, code or exact name")
        parser.add_argument("--type", dest="doc_type", default="", help="document type")
        parser.add_argument(
            "--queue",
            action="store_true",
            help="only queue the jobs for `docket worker` (default: run them now)",
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(
        self,
        *args: object,
        paths: list[str],
        customer: str,
        doc_type: str,
        queue: bool,
        no_progress: bool,
        **options: object,
    ) -> None:
        try:
            found_customer = find_customer(customer) if customer else None
            found_type = find_document_type(doc_type) if doc_type else None
        except DocketError as exc:
            raise CommandError(exc.message) from exc
        files = _expand(paths)
        if not files:
            raise CommandError("no files found")
        jobs, failures = [], 0
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=Console(stderr=True),
            disable=no_progress,
            transient=True,
        ) as bar:
            task = bar.add_task("ingesting", total=len(files))
            for path in files:
                bar.update(task, description=path.name[:40])
                try:
                    with path.open("rb") as f:
                        job = ingest_submit(
                            actor=None,
                            file=f,
                            filename=path.name,
                            source=IngestJob.Source.CLI,
                            source_ref=str(path),
                            customer=found_customer,
                            document_type=found_type,
                        )
                    if not queue:
                        _run_now(job)
                    jobs.append(job)
                except (DocketError, OSError) as exc:
                    failures += 1
                    self.stderr.write(f"{path}: {getattr(exc, 'message', exc)}")
                bar.advance(task)
        for job in jobs:
            job.refresh_from_db()
            outcome = job.document.archive_number if job.document else job.reason
            self.stdout.write(f"{job.state}\t{outcome}\t{job.original_name}")
        if failures or any(
            j.state not in (IngestJob.State.DONE, IngestJob.State.QUEUED) for j in jobs
        ):
            raise CommandError("some files were not filed; see the inbox (/api/ingest/?inbox=true)")


def _expand(paths: list[str]) -> list[Path]:
    files: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            files += sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and not p.name.startswith(IGNORED_PREFIXES)
                and p.name not in IGNORED_NAMES
            )
        else:
            files.append(path)
    return files


def _run_now(job: IngestJob) -> None:
    """Run this job and any it fans out to (zip members, batch parts) in this process."""
    from docket.core.inline_tasks import run_ready_tasks, tasks_for

    pending = [str(job.id)]
    while pending:
        job_id = pending.pop(0)
        run_ready_tasks(tasks_for("run_ingest_job", job_id))
        children = IngestJob.objects.filter(parent_id=job_id).values_list("id", flat=True)
        pending += [str(child) for child in children]
