"""docket demo: Chinese demo customers and documents, the same for the same --seed; then the
suggestion model is trained on them, as `docket train` would, so that a first upload already
gets a document type suggested."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from docket.core.errors import DocketError
from docket.core.maintenance import refresh_planner_statistics
from docket.customers.models import Customer
from docket.demo.generator import DEFAULT_SEED, demo_load
from docket.ingest.training import train_now


class Command(BaseCommand):
    help = "Load demo customers, contacts and documents (deterministic for a given --seed)."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--customers", type=int, default=12, help="how many (default 12)")
        parser.add_argument("--documents", type=int, default=60, help="how many (default 60)")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when any customer exists"
        )
        parser.add_argument("--as-user", default="", help="owner and uploader (a username)")

    def handle(
        self,
        *args: object,
        customers: int,
        documents: int,
        seed: int,
        if_empty: bool,
        as_user: str,
        **options: object,
    ) -> None:
        if if_empty and Customer.objects.exists():
            self.stdout.write("Customers already exist: no demo data loaded (--if-empty).")
            return
        if customers < 1 or documents < 0:
            raise CommandError("--customers must be at least 1 and --documents at least 0")
        actor = None
        if as_user:
            actor = get_user_model().objects.filter(username=as_user).first()
            if actor is None:
                raise CommandError(f"no user named {as_user!r}")
        try:
            summary = demo_load(customers=customers, documents=documents, seed=seed, actor=actor)
        except DocketError as exc:
            raise CommandError(exc.message) from exc
        refresh_planner_statistics()
        self.stdout.write(summary.line())
        # Otherwise the first upload gets no type suggested: a model is first trained in the
        # background after an upload is filed (retrain_if_due). The worker has not read the
        # demo's texts yet, so those documents teach by their titles (training.py's fallback).
        state = train_now()
        self.stdout.write(
            f"Suggestion model trained on {state.sample_count} documents"
            " (by title where the text is not read yet)."
            + (f" Not learned: {state.status}" if state.status else "")
        )
