"""Encryption at rest end to end: documents uploaded and downloaded through the API, their text
extracted, `docket check` and `docket keys` on an installation with DOCKET_ENCRYPTION_KEY set."""

import base64
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from docket.documents import fixity
from docket.documents.models import Version
from docket.storage import blobstore
from docket.storage.crypto import HEADER_SIZE, MAGIC
from tests.conftest import download, named_file
from tests.storage.conftest import KEY, NEW_KEY, keyring


@pytest.fixture
def encryption(settings):
    """configure(current, old): the installation's keys, as the DOCKET_ENCRYPTION_* variables
    set them, on whatever backend BLOB_STORE names."""

    def configure(current: str = "", old: str = "") -> None:
        settings.BLOB_STORE = {
            **settings.BLOB_STORE,
            "ENCRYPTION_KEY": current,
            "ENCRYPTION_OLD_KEYS": old,
        }
        blobstore.get_blob_store.cache_clear()

    return configure


def upload(api, customer, data: bytes, name: str = "合同.pdf") -> dict:
    response = api.post(
        "/api/documents/",
        {"file": named_file(data, name), "customer": customer.id, "type": "合同"},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    return response.json()


def check(capsys) -> tuple[bool, str]:
    try:
        call_command("check_blobs", no_progress=True)
        ok = True
    except CommandError as error:
        ok = False
        print(error)
    return ok, " ".join(capsys.readouterr().out.split())  # as one line: rich wraps at 80


def test_an_encrypted_document_is_uploaded_extracted_downloaded_and_checked(
    encryption, api, customer, contract_type, contract_pdf, blob_root, run_tasks, capsys
):
    encryption(KEY)
    document = upload(api, customer, contract_pdf)
    sha = document["current_version"]["sha256"]

    on_disk = (blob_root / sha[:2] / sha[2:4] / sha).read_bytes()
    assert on_disk.startswith(MAGIC) and b"%PDF" not in on_disk
    assert document["current_version"]["mime_type"] == "application/pdf"  # sniffed, decrypted
    response, body = download(api, f"/api/documents/{document['id']}/download/")
    assert response.status_code == 200 and body == contract_pdf
    assert response["Content-Length"] == str(len(contract_pdf))
    run_tasks()
    assert "上海ABC贸易有限公司" in Version.objects.get(sha256=sha).text
    ok, out = check(capsys)
    assert ok and "OK: every blob is present and intact." in out


def test_a_tampered_encrypted_blob_is_flagged_by_check_and_refused_by_download(
    encryption, api, customer, contract_type, contract_pdf, blob_root, capsys
):
    encryption(KEY)
    document = upload(api, customer, contract_pdf)
    sha = document["current_version"]["sha256"]
    path = blob_root / sha[:2] / sha[2:4] / sha
    damaged = bytearray(path.read_bytes())
    damaged[HEADER_SIZE + 200] ^= 0x01
    path.write_bytes(bytes(damaged))

    ok, out = check(capsys)
    assert not ok
    assert f"CORRUPT {sha}: content hashes to unreadable (blob {sha}: chunk 0 of 1" in out
    assert document["archive_number"] in out
    response = api.get(f"/api/documents/{document['id']}/download/")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "blob_corrupt"
    assert "fails authentication" in response.json()["error"]["message"]


def test_a_download_without_the_right_key_fails_naming_the_key_id(
    encryption, api, customer, contract_type, contract_pdf
):
    encryption(KEY)
    document = upload(api, customer, contract_pdf)
    encryption(NEW_KEY)  # KEY was replaced without rotating or keeping it as an old key

    response = api.get(f"/api/documents/{document['id']}/download/")

    assert response.status_code == 500
    error = response.json()["error"]
    assert error["code"] == "encryption_key_missing"
    assert keyring(KEY).current.key_id.hex() in error["message"]


def test_switching_encryption_on_encrypting_existing_and_rotating_keeps_documents_readable(
    encryption, api, customer, contract_type, contract_pdf, blob_root, capsys
):
    before = upload(api, customer, contract_pdf, "旧合同.pdf")  # no key yet: plaintext
    encryption(KEY)
    after = upload(api, customer, contract_pdf + b"\n% v2", "新合同.pdf")

    def stored(doc: dict) -> Path:
        sha = doc["current_version"]["sha256"]
        return blob_root / sha[:2] / sha[2:4] / sha

    assert stored(before).read_bytes() == contract_pdf and stored(after).read_bytes()[:7] == MAGIC
    assert check(capsys)[0]

    call_command("keys", "encrypt-existing", "--no-progress")
    assert stored(before).read_bytes()[:7] == MAGIC
    assert check(capsys)[0]

    encryption(NEW_KEY, old=KEY)
    call_command("keys", "rotate", "--no-progress")
    assert "2 blobs: 2 rewrapped." in capsys.readouterr().out
    encryption(NEW_KEY)
    assert check(capsys)[0]
    for document, data in [(before, contract_pdf), (after, contract_pdf + b"\n% v2")]:
        assert download(api, f"/api/documents/{document['id']}/download/")[1] == data


@pytest.mark.s3
def test_encrypted_documents_in_s3_end_to_end(
    settings, s3_config, encryption, api, customer, contract_type, contract_pdf, raw_s3
):
    settings.BLOB_STORE = s3_config
    encryption(KEY)
    document = upload(api, customer, contract_pdf)
    sha = document["current_version"]["sha256"]
    key = f"blobs/{sha[:2]}/{sha}"

    stored = raw_s3.get_object(Bucket=s3_config["S3_BUCKET"], Key=key)["Body"].read()
    assert stored.startswith(MAGIC) and b"%PDF" not in stored
    assert download(api, f"/api/documents/{document['id']}/download/")[1] == contract_pdf
    assert fixity.run_check().ok

    raw_s3.put_object(Bucket=s3_config["S3_BUCKET"], Key=key, Body=stored[:-1])
    report = fixity.run_check()
    assert [(p.sha256, p.kind) for p in report.problems] == [(sha, "corrupt")]
    assert "cut short" in report.problems[0].detail


def test_docket_keys_generate_prints_a_new_key_alone_on_stdout(capsys):
    from docket.cli import main

    main(["keys", "generate"])
    first = capsys.readouterr().out.strip()
    main(["keys", "generate"])
    second = capsys.readouterr().out.strip()

    assert len(base64.b64decode(first, validate=True)) == 32 and first != second
    assert keyring(first).current is not None  # DOCKET_ENCRYPTION_KEY takes it as it is
