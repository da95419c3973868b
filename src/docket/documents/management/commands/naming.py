"""docket naming report|apply: which uploaded names broke the rule; rename under a new rule."""

from django.core.management.base import BaseCommand, CommandError

from docket.core.errors import DocketError
from docket.documents import naming
from docket.documents.lookups import find_document_type
from docket.documents.models import Document


class Command(BaseCommand):
    help = "Naming rules: `report` lists names that broke the rule; `apply` renames to it."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("action", choices=["report", "apply"])
        parser.add_argument("--type", dest="doc_type", default="", help="one document type")
        parser.add_argument("--dry-run", action="store_true", help="apply: only show renames")

    def handle(
        self, *args: object, action: str, doc_type: str, dry_run: bool, **options: object
    ) -> None:
        try:
            found_type = find_document_type(doc_type) if doc_type else None
        except DocketError as exc:
            raise CommandError(exc.message) from exc
        if action == "report":
            documents = Document.objects.all()
            if found_type is not None:
                documents = documents.filter(document_type=found_type)
            rows = naming.nonconforming(documents)
            for row in rows:
                self.stdout.write(f"{row.archive_number}\t{row.uploaded_name}\t→ {row.rule_name}")
            self.stdout.write(f"{len(rows)} documents were uploaded under names off the rule.")
            return
        if found_type is None:
            raise CommandError("apply needs --type: a rule belongs to one document type")
        changes = naming.naming_rule_apply(
            actor=None, document_type=found_type, dry_run=dry_run
        ).changes
        for old, new in changes:
            self.stdout.write(f"{old or '(unnamed)'}\t→ {new}")
        verb = "would be renamed" if dry_run else "renamed"
        self.stdout.write(f"{len(changes)} documents {verb}.")
