"""Shared fixtures. Every test gets its own blob directory; the database is SQLite or, with
DOCKET_DATABASE_URL set, PostgreSQL (CI runs the suite on both)."""

import io
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from django.contrib.auth import get_user_model
from moto.server import ThreadedMotoServer
from rest_framework.test import APIClient

from docket.access import roles as access_roles
from docket.access import seeds
from docket.access.models import Member
from docket.accounts.tokens import api_token_issue
from docket.customers.models import Customer
from docket.customers.services import customer_create
from docket.demo.pdfgen import make_pdf
from docket.documents.models import DocumentType
from docket.storage import blobstore


@pytest.fixture(autouse=True)
def blob_root(tmp_path, settings):
    root = tmp_path / "blobs"
    settings.BLOB_STORE = {**settings.BLOB_STORE, "BACKEND": "local", "ROOT": str(root)}
    blobstore.get_blob_store.cache_clear()
    yield root
    blobstore.get_blob_store.cache_clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The real hashers are slow by design (about 0.3 s a password); tests of password
    # hashing itself set their own.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def user_with_role(
    username: str, role: str = seeds.ADMINISTRATOR, password: str = "", **member: Any
):
    """A user with one of the seeded roles (tests/access covers what each role may do; the
    rest of the suite tests features as a user who may do them)."""
    seeds.ensure_roles()  # transactional tests flush the migration's seeds
    person = get_user_model().objects.create_user(
        username=username, password=password or f"pw-{username}-123"
    )
    # Set up directly, not through member_set: a fixture is not a permission change to audit.
    Member.objects.create(user=person, role=access_roles.role_by_code(role), **member)
    return person


@pytest.fixture
def user(db):
    return user_with_role("zhangwei", password="pw-张伟-123")


@pytest.fixture
def other_user(db):
    return user_with_role("lina", password="pw-李娜-123")


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_superuser(username="admin", password="admin-pw-1")


def client_for(user) -> APIClient:
    client = APIClient()
    _, key = api_token_issue(user=user, name="测试令牌")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def api(user) -> APIClient:
    return client_for(user)


@pytest.fixture
def customer(user) -> Customer:
    return customer_create(actor=user, name="上海ABC贸易有限公司", industry="贸易", region="上海")


@pytest.fixture
def contract_type(db) -> DocumentType:
    # get_or_create: transactional tests flush the types the migration seeded
    return DocumentType.objects.get_or_create(name="合同", defaults={"code": "HT"})[0]


@pytest.fixture
def contract_pdf() -> bytes:
    return make_pdf(
        ["购销合同", "甲方：上海ABC贸易有限公司", "合同金额：¥128,000.00", "签订日期：2023年1月1日"]
    )


def download(client: APIClient, url: str) -> tuple[Any, bytes]:
    """GET a file and read it whole (a FileResponse holds the blob open until then)."""
    response = client.get(url)
    if not response.streaming:
        return response, response.content
    # The test client closes the response (and its file) once the stream is exhausted.
    return response, b"".join(response.streaming_content)


def named_file(data: bytes, name: str) -> io.BytesIO:
    f = io.BytesIO(data)
    f.name = name
    return f


@pytest.fixture
def run_tasks(db):
    """Run every queued background task, as `docket worker` would."""
    from docket.core.inline_tasks import run_ready_tasks

    return run_ready_tasks


# S3: moto's server is a real HTTP S3 endpoint on 127.0.0.1 (started once, on first use).
S3_REGION = "us-east-1"
S3_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    # port=0 lets the OS pick a free port; get_host_and_port() reads the one actually bound.
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_config(s3_endpoint: str) -> dict[str, Any]:
    """settings.BLOB_STORE for S3, with a bucket name no other test uses."""
    return {
        "BACKEND": "s3",
        "S3_BUCKET": f"docket-test-{uuid.uuid4().hex}",
        "S3_ENDPOINT_URL": s3_endpoint,
        "S3_REGION": S3_REGION,
        "S3_ACCESS_KEY": S3_CREDENTIALS["aws_access_key_id"],
        "S3_SECRET_KEY": S3_CREDENTIALS["aws_secret_access_key"],
        "S3_PREFIX": "blobs/",
    }


@pytest.fixture
def raw_s3(s3_endpoint: str) -> Any:
    """A plain boto3 client on the same endpoint, for reaching around the store."""
    return boto3.client("s3", endpoint_url=s3_endpoint, region_name=S3_REGION, **S3_CREDENTIALS)


def pytest_report_header(config) -> str:
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return f"docket database: {engine} ({settings.DATABASES['default'].get('HOST') or 'file'})"
