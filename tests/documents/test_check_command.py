"""`docket check`: every version's blob present and intact; orphans and damage named."""

import os
import time

import pytest
from django.core.management import CommandError, call_command

from docket.documents import fixity
from docket.documents.models import Document
from docket.storage.blobstore import get_blob_store
from tests.conftest import named_file


@pytest.fixture
def two_documents(api, customer, contract_pdf):
    ids = []
    for i in range(2):
        response = api.post(
            "/api/documents/",
            {
                "file": named_file(contract_pdf + bytes([i]), f"{i}.pdf"),
                "customer": customer.id,
                "type": "合同",
            },
            format="multipart",
        )
        ids.append(response.json())
    return ids


def run_check_command(capsys, **options) -> tuple[bool, str]:
    try:
        call_command("check_blobs", no_progress=True, **options)
        ok = True
    except CommandError as exc:
        ok = False
        print(exc)
    return ok, capsys.readouterr().out


def test_a_healthy_store_passes(two_documents, capsys):
    ok, out = run_check_command(capsys)
    assert ok
    assert "Checked 2 blobs" in out
    assert "OK" in out


def test_a_blob_altered_on_disk_is_named(two_documents, capsys):
    sha = two_documents[0]["current_version"]["sha256"]
    path = get_blob_store().path(sha)
    path.write_bytes(path.read_bytes()[:-1] + b"X")
    ok, out = run_check_command(capsys)
    assert not ok
    assert f"CORRUPT {sha}" in out
    assert two_documents[0]["archive_number"] in out


def test_a_truncated_blob_is_named_as_the_wrong_size(two_documents, capsys):
    sha = two_documents[1]["current_version"]["sha256"]
    path = get_blob_store().path(sha)
    path.write_bytes(path.read_bytes()[:100])
    ok, out = run_check_command(capsys)
    assert not ok
    assert f"WRONG_SIZE {sha}" in out


def test_a_missing_blob_is_named(two_documents, capsys):
    sha = two_documents[0]["current_version"]["sha256"]
    get_blob_store().path(sha).unlink()
    ok, out = run_check_command(capsys)
    assert not ok
    assert f"MISSING {sha}" in out


def test_an_orphan_blob_is_listed_and_deleted_only_when_old(two_documents, capsys):
    import io

    orphan = get_blob_store().put(io.BytesIO("无人引用的文件".encode()))
    ok, out = run_check_command(capsys)
    assert not ok
    assert f"ORPHAN {orphan.sha256}" in out
    assert fixity.delete_orphans(fixity.run_check()) == []  # young: may be an upload in flight
    old = time.time() - 7200
    os.utime(get_blob_store().path(orphan.sha256), (old, old))
    ok, out = run_check_command(capsys, delete_orphans=True)
    assert ok
    assert f"deleted {orphan.sha256}" in out
    assert not get_blob_store().exists(orphan.sha256)


def test_a_document_row_without_versions_is_reported(two_documents, capsys):
    from docket.documents.models import Version

    doc = Document.objects.get(id=two_documents[0]["id"])
    Version.objects.filter(document=doc).delete()
    ok, out = run_check_command(capsys)
    assert not ok
    assert f"NO VERSION document {doc.archive_number}" in out
    assert "ORPHAN" in out  # its blob is now named by no version


def test_files_waiting_in_the_ingest_inbox_and_thumbnails_are_not_orphans(
    api, customer, contract_pdf, run_tasks, capsys
):
    from docket.ingest.models import IngestJob

    waiting = api.post(
        "/api/ingest/",
        {
            "files": [named_file(b"%PDF-1.4\n" + b"\x00" * 64, "坏.pdf")],
            "customer": customer.id,
            "type": "合同",
        },
        format="multipart",
    )
    assert waiting.status_code == 202
    filed = api.post(
        "/api/documents/",
        {"file": named_file(contract_pdf, "合同.pdf"), "customer": customer.id, "type": "合同"},
        format="multipart",
    )
    run_tasks()
    assert IngestJob.objects.get().state == IngestJob.State.FAILED
    assert api.get(f"/api/documents/{filed.json()['id']}/thumbnail/").status_code == 200
    report = fixity.run_check()
    assert report.orphans == []
    assert report.ok
    assert fixity.delete_orphans(report, min_age_seconds=0) == []
    assert get_blob_store().exists(IngestJob.objects.get().sha256)  # the inbox file is safe
