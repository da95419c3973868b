"""docket watch [DIR]: file what scanners drop into a folder (DOCKET_WATCH_DIR by default)."""

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from docket.ingest.folder import scan_folder


class Command(BaseCommand):
    help = "Watch a folder: each file becomes a document; a subfolder names the customer."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("folder", nargs="?", default="")
        parser.add_argument("--interval", type=float, default=5.0, help="seconds between scans")
        parser.add_argument("--once", action="store_true", help="scan once and exit")
        parser.add_argument(
            "--stable-seconds",
            type=float,
            default=2.0,
            help="a file unchanged this long is complete",
        )

    def handle(
        self,
        *args: object,
        folder: str,
        interval: float,
        once: bool,
        stable_seconds: float,
        **options: object,
    ) -> None:
        root = Path(folder or settings.INGEST_WATCH_DIR or "")
        if not str(root) or not root.is_dir():
            raise CommandError(
                f"no folder to watch: {str(root)!r} (give DIR or set DOCKET_WATCH_DIR)"
            )
        root = root.resolve()
        self.stdout.write(f"Watching {root}")
        while True:
            report = scan_folder(root, stable_seconds=stable_seconds)
            for line in report.submitted:
                self.stdout.write(f"submitted {line}")
            for line in report.removed:
                self.stdout.write(f"filed, removed {line}")
            for line in report.errors:
                self.stderr.write(f"error {line}")
            if once:
                return
            time.sleep(interval)
