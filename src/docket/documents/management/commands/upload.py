"""docket upload FILE… --customer C --type T: file documents from the command line."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from docket.core.errors import DocketError
from docket.documents import services
from docket.documents.lookups import find_customer, find_document_type


class Command(BaseCommand):
    help = "Upload files as new documents of one customer."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("files", nargs="+")
        parser.add_argument("--customer", required=True, help="customer id, code or exact name")
        parser.add_argument("--type", required=True, dest="doc_type", help="type name, code or id")
        parser.add_argument("--title", default="")

    def handle(
        self,
        *args: object,
        files: list[str],
        customer: str,
        doc_type: str,
        title: str,
        **options: object,
    ) -> None:
        try:
            found_customer = find_customer(customer)
            found_type = find_document_type(doc_type)
        except DocketError as exc:
            raise CommandError(exc.message) from exc
        failures = 0
        for name in files:
            path = Path(name)
            try:
                with path.open("rb") as f:
                    document = services.document_upload(
                        actor=None,
                        file=f,
                        filename=path.name,
                        customer=found_customer,
                        document_type=found_type,
                        title=title,
                    )
            except (DocketError, OSError) as exc:
                failures += 1
                self.stderr.write(f"{name}: {getattr(exc, 'message', exc)}")
                continue
            self.stdout.write(f"{document.archive_number}\t{document.id}\t{name}")
        if failures:
            raise CommandError(f"{failures} of {len(files)} files were not uploaded")
