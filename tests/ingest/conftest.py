"""Fixtures for the ingest pipeline: submitting files and running their jobs like a worker."""

import pytest

from docket.core.inline_tasks import run_ready_tasks
from docket.ingest.models import IngestJob
from docket.ingest.services import ingest_submit
from tests.conftest import named_file


@pytest.fixture
def ingest(db, user):
    """Submit a file and run every queued job (its children too). Returns the job, reloaded."""

    def submit(data: bytes, name: str, **hints) -> IngestJob:
        job = ingest_submit(
            actor=user,
            file=named_file(data, name),
            filename=name,
            source=IngestJob.Source.UPLOAD,
            **hints,
        )
        run_ready_tasks()
        job.refresh_from_db()
        return job

    return submit
