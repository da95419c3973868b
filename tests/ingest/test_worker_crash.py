"""A worker killed in the middle of a job: the job is taken up again by the next worker and
files exactly one document."""

import os
import signal
import subprocess
import sys
import time

import pytest

from docket.documents.models import Document
from docket.ingest.models import IngestJob
from docket.ingest.scanner import render_page
from docket.ingest.services import ingest_submit
from tests.conftest import named_file
from tests.documents.test_crash_safety import database_url

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def worker(blob_root, *args: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DOCKET_DATABASE_URL": database_url(),
        "DOCKET_BLOB_ROOT": str(blob_root),
        "DOCKET_BLOB_BACKEND": "local",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "docket.cli", "worker", "--batch", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # its own group: the OCR pool dies with it


def scanned_contract() -> bytes:
    import io

    image, _ = render_page(seed=1, dpi=200)
    out = io.BytesIO()
    image.save(out, format="PDF", resolution=200)
    return out.getvalue()


def test_a_job_whose_worker_was_killed_is_retried_and_files_one_document(
    customer, contract_type, blob_root
):
    from django.db import connection

    job = ingest_submit(
        actor=None,
        file=named_file(scanned_contract(), "扫描合同.pdf"),
        filename="扫描合同.pdf",
        source=IngestJob.Source.UPLOAD,
        customer=customer,
        document_type=contract_type,
    )
    connection.close()
    first = worker(blob_root)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.state == IngestJob.State.RUNNING and job.step == "ocr":
            break
        time.sleep(0.05)
    assert job.step == "ocr", f"the worker never reached OCR ({job.state}, {job.step})"
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=30)
    connection.close()
    job.refresh_from_db()
    assert job.state == IngestJob.State.RUNNING  # left behind by the dead worker
    assert Document.objects.count() == 0

    second = worker(blob_root, "--stall-minutes", "0")
    assert second.wait(timeout=180) == 0
    connection.close()
    job.refresh_from_db()
    assert job.state == IngestJob.State.DONE, job.reason
    assert job.attempts == 2
    assert Document.objects.count() == 1
    assert "购销合同" in job.document.versions.get().text
