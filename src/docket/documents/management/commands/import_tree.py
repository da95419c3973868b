"""docket import DIR: a folder tree, one subfolder per customer, filed as documents.
Exit status 1 when any file failed; a re-run skips what is already filed."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from docket.core.errors import DocketError
from docket.documents import importer
from docket.documents.filenames import escape_original_name
from docket.documents.importer import ImportOptions, ImportReport, Status
from docket.documents.lookups import find_customer, find_document_type


class Command(BaseCommand):
    help = (
        "Import a folder tree: each subfolder of DIR is a customer (by exact name), each file "
        "inside it, at any depth, a new document."
    )

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("directory", metavar="DIR")
        parser.add_argument(
            "--customer", default="", help="file everything in DIR under this one customer"
        )
        parser.add_argument(
            "--type", dest="doc_type", default="", help="document type for every file"
        )
        parser.add_argument(
            "--default-type",
            default="合同",
            help="type when neither --type nor a type name in the file name says (default 合同)",
        )
        parser.add_argument(
            "--create-customers", action="store_true", help="create customers that do not exist"
        )
        parser.add_argument("--dry-run", action="store_true", help="report only; write nothing")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: object, **opts: object) -> None:
        root = Path(str(opts["directory"]))
        if not root.is_dir():
            raise CommandError(f"{root} is not a directory")
        options = self._options(opts)
        files = importer.collect_files(root, one_customer=bool(opts["customer"]))
        with Progress(
            TextColumn("importing"),
            BarColumn(),
            MofNCompleteColumn(),
            console=Console(stderr=True),
            disable=bool(opts["no_progress"]),
            transient=True,
        ) as progress:
            bar = progress.add_task("import", total=len(files))
            report = importer.import_files(
                files, options, on_result=lambda _: progress.advance(bar)
            )
        self._print(report, dry_run=options.dry_run)
        if not report.ok:
            failed, total = report.count(Status.FAILED), len(report.results)
            raise CommandError(f"{failed} of {total} files failed")

    def _options(self, opts: dict[str, object]) -> ImportOptions:
        name, create = str(opts["customer"]), bool(opts["create_customers"])
        try:
            default_type = find_document_type(str(opts["default_type"]))
            doc_type = find_document_type(str(opts["doc_type"])) if opts["doc_type"] else None
        except DocketError as exc:
            raise CommandError(exc.message) from exc
        customer = None
        if name:
            try:
                customer = find_customer(name)
            except DocketError as exc:
                if not create:  # with --create-customers, the importer creates it
                    raise CommandError(exc.message) from exc
        return ImportOptions(
            default_type=default_type,
            document_type=doc_type,
            customer=customer,
            customer_name=name if customer is None else "",
            create_customers=create,
            dry_run=bool(opts["dry_run"]),
        )

    def _print(self, report: ImportReport, *, dry_run: bool) -> None:
        for result in report.results:
            shown = escape_original_name(result.file.relative)
            if result.status == Status.IMPORTED:
                number = result.archive_number or "(dry run)"
                self.stdout.write(f"{number}\t{result.document_type}\t{shown}")
            elif result.status == Status.FAILED:
                self.stderr.write(f"FAILED {shown}: {result.reason}")
            else:
                self.stdout.write(f"skipped {shown}: {result.reason}")
        if report.created_customers:
            verb = "Would create" if dry_run else "Created"
            self.stdout.write(f"{verb} customers: {', '.join(report.created_customers)}")
        done = "to import" if dry_run else "imported"
        self.stdout.write(
            ("Dry run, nothing written: " if dry_run else "")
            + f"{report.count(Status.IMPORTED)} {done}, "
            + f"{report.count(Status.SKIPPED, Status.DUPLICATE)} skipped "
            + f"({report.count(Status.DUPLICATE)} already filed), "
            + f"{report.count(Status.FAILED)} failed."
        )
