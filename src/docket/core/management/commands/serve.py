"""docket serve: the web app under gunicorn, static files by WhiteNoise, optionally with a
background worker alongside (what `make run` uses on one machine)."""

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Docket over HTTP (gunicorn)."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument(
            "--with-worker",
            action="store_true",
            help="also run `docket worker` (and `watch`, `fetchmail` when configured)",
        )

    def handle(
        self, *args: object, bind: str, workers: int, with_worker: bool, **options: object
    ) -> None:
        call_command("collectstatic", interactive=False, verbosity=0)
        helpers = [self._start("worker", "--interval", "0.5")] if with_worker else []
        if with_worker and settings.INGEST_WATCH_DIR:
            helpers.append(self._start("watch"))
        if with_worker and settings.IMAP["HOST"]:
            helpers.append(self._start("fetchmail"))
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "docket.wsgi:application",
                "--bind",
                bind,
                "--workers",
                str(workers),
                "--timeout",
                "300",
                "--access-logfile",
                "-",
            ],
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        signal.signal(signal.SIGTERM, lambda *_: server.terminate())
        try:
            server.wait()
        except KeyboardInterrupt:
            server.terminate()
            server.wait()
        finally:
            for helper in helpers:
                helper.terminate()
                helper.wait()

    @staticmethod
    def _start(*command: str) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "docket.cli", *command])
