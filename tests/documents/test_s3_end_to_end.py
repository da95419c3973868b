"""The whole document flow with blobs in S3 (moto's HTTP server): upload, version, download,
diff, and `docket check` naming an object altered in the bucket."""

import pytest

from docket.demo.pdfgen import make_pdf
from docket.documents import fixity
from docket.storage import blobstore
from docket.storage.s3 import S3BlobStore
from tests.conftest import download, named_file

pytestmark = pytest.mark.s3


@pytest.fixture
def s3_settings(settings, s3_config):
    settings.BLOB_STORE = s3_config
    blobstore.get_blob_store.cache_clear()
    yield s3_config
    blobstore.get_blob_store.cache_clear()


def test_documents_live_in_s3_end_to_end(
    s3_settings, api, customer, contract_pdf, run_tasks, raw_s3
):
    assert isinstance(blobstore.get_blob_store(), S3BlobStore)
    created = api.post(
        "/api/documents/",
        {"file": named_file(contract_pdf, "合同.pdf"), "customer": customer.id, "type": "合同"},
        format="multipart",
    ).json()
    v2 = make_pdf(["购销合同", "合同金额：¥150,000.00"])
    api.post(
        f"/api/documents/{created['id']}/versions/",
        {"file": named_file(v2, "合同2.pdf")},
        format="multipart",
    )
    run_tasks()
    assert download(api, f"/api/documents/{created['id']}/versions/1/download/")[1] == contract_pdf
    diff = api.get(f"/api/documents/{created['id']}/diff/?from=1&to=2").json()
    assert "+合同金额:¥150,000.00" in diff["unified"]

    keys = [o["Key"] for o in raw_s3.list_objects_v2(Bucket=s3_settings["S3_BUCKET"])["Contents"]]
    assert len(keys) == 2 and all(k.startswith("blobs/") for k in keys)
    assert fixity.run_check().ok

    sha = created["current_version"]["sha256"]
    raw_s3.put_object(
        Bucket=s3_settings["S3_BUCKET"], Key=f"blobs/{sha[:2]}/{sha}", Body=contract_pdf[:-1] + b"X"
    )
    report = fixity.run_check()
    assert [(p.sha256, p.kind) for p in report.problems] == [(sha, "corrupt")]
