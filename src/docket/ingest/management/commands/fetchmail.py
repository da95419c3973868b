"""docket fetchmail: file new messages from the mailbox set by DOCKET_IMAP_* settings."""

import time

from django.core.management.base import BaseCommand, CommandError

from docket.ingest.imap import MailboxError
from docket.ingest.mail import configured_mailbox, fetch_mail


class Command(BaseCommand):
    help = "Fetch new e-mail: each message and its attachments become documents."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--once", action="store_true", help="fetch once and exit")
        parser.add_argument("--interval", type=float, default=60.0)

    def handle(self, *args: object, once: bool, interval: float, **options: object) -> None:
        config = configured_mailbox()
        if config is None:
            raise CommandError("no mailbox configured: set DOCKET_IMAP_HOST and its friends")
        while True:
            try:
                jobs = fetch_mail(config)
            except MailboxError as exc:
                if once:
                    raise CommandError(str(exc)) from exc
                self.stderr.write(f"mailbox: {exc}")
                jobs = []
            for job in jobs:
                self.stdout.write(f"queued {job.original_name} ({job.id})")
            if once:
                return
            time.sleep(interval)
