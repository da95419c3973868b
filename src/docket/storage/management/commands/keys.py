"""docket keys generate|status|encrypt-existing|rotate: encryption at rest (storage/crypto.py).

Turning encryption on:   DOCKET_ENCRYPTION_KEY=$(docket keys generate), restart, then
                         `docket keys encrypt-existing` for the blobs stored before.
Rotating the key:        move the current key to DOCKET_ENCRYPTION_OLD_KEYS, set a new
                         DOCKET_ENCRYPTION_KEY, restart, `docket keys rotate`; once it reports
                         no failures, remove the old key.
"""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

from docket.storage import crypto, keys
from docket.storage.blobstore import get_blob_store


class Command(BaseCommand):
    help = (
        "Encryption at rest: `generate` prints a new key for DOCKET_ENCRYPTION_KEY; `status` "
        "counts blobs by key; `encrypt-existing` encrypts blobs stored before the key was set; "
        "`rotate` rewraps every blob with the current key."
    )
    # `generate` must work while DOCKET_ENCRYPTION_KEY is still wrong; the others report a
    # malformed key themselves.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("action", choices=["generate", "status", "encrypt-existing", "rotate"])
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: object, action: str, no_progress: bool, **options: object) -> None:
        if action == "generate":
            # Only the key on stdout, so `export DOCKET_ENCRYPTION_KEY=$(docket keys generate)`.
            self.stdout.write(crypto.generate_key())
            self.stderr.write("Keep it safe: blobs encrypted with it cannot be read without it.")
            return
        console = Console(file=self.stdout, highlight=False, soft_wrap=True)
        try:
            store = get_blob_store()
            if action == "status":
                for label, count in sorted(keys.key_status(store).items()):
                    console.print(f"{count:>10}  {label}")
                return
            run = keys.encrypt_existing if action == "encrypt-existing" else keys.rotate
            with Progress(
                SpinnerColumn(),
                TextColumn(action),
                MofNCompleteColumn(),
                console=Console(stderr=True),
                disable=no_progress,
                transient=True,
            ) as progress:
                bar = progress.add_task(action, total=None)
                report = run(store, on_progress=lambda done: progress.update(bar, completed=done))
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error

        for sha256, why in report.failures:
            console.print(f"FAILED {sha256}: {why}")
        summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(report.counts.items()))
        console.print(f"{report.counts.total()} blobs: {summary or 'none stored'}.")
        if report.counts[keys.PLAINTEXT]:
            console.print("Plaintext blobs are left as they are: `docket keys encrypt-existing`.")
        if not report.ok:
            verb = "encrypted" if action == "encrypt-existing" else "rewrapped"
            raise CommandError(
                f"{len(report.failures)} blobs could not be {verb}; run again once they are "
                "fixed (blobs already done are skipped)"
            )
        if action == "rotate":
            console.print("Every encrypted blob is wrapped by the current key now.")
