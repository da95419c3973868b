"""Fixtures for the ingest pipeline: submitting files and running their jobs like a worker,
and the people of two sales teams, each with a customer of their own."""

import pytest

from docket.access import seeds
from docket.access.models import Team
from docket.core.inline_tasks import run_ready_tasks
from docket.customers.services import customer_create
from docket.ingest.models import IngestJob
from docket.ingest.services import ingest_submit
from tests.conftest import named_file, user_with_role


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


@pytest.fixture
def east(db):
    seeds.ensure_roles()
    return Team.objects.create(name="华东销售组")


@pytest.fixture
def sales(east):
    """A sales person (scope: own customers; view, download, upload)."""
    return user_with_role("wangfang", role="sales", team=east)


@pytest.fixture
def stranger(db):
    return user_with_role("liuyang", role="sales", team=Team.objects.create(name="华北销售组"))


@pytest.fixture
def own(sales):
    return customer_create(actor=None, name="上海ABC贸易有限公司", owner=sales)


@pytest.fixture
def theirs(stranger):
    return customer_create(actor=None, name="天津恒通物流有限公司", owner=stranger)
