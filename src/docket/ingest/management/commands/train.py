"""docket train: retrain the suggestion model on the documents filed so far."""

from django.core.management.base import BaseCommand

from docket.ingest.training import train_now


class Command(BaseCommand):
    help = "Train the customer/type/tag suggestion model on this installation's documents."

    def handle(self, *args: object, **options: object) -> None:
        state = train_now()
        self.stdout.write(f"Trained on {state.sample_count} documents. {state.status}".strip())
