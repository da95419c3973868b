"""The `docket` command end to end, in child processes on a fresh data directory, as an
administrator would run it."""

import os
import subprocess
import sys

import pytest

from docket.demo.pdfgen import make_pdf

pytestmark = pytest.mark.slow


def docket(data_dir, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKET_")}
    env["DOCKET_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "docket.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=check,
        timeout=120,
    )


def test_help_lists_the_commands(tmp_path):
    out = docket(tmp_path, "--help").stdout
    for name in ("serve", "worker", "migrate", "createadmin", "import", "export", "check", "demo"):
        assert f"  {name}" in out


def test_migrate_upload_work_and_check_from_a_fresh_data_directory(tmp_path):
    data = tmp_path / "data"
    docket(data, "migrate", "-v0")
    assert (
        "Created administrator 'boss'"
        in docket(data, "createadmin", "--username", "boss", "--password", "s3cret-Pw-2024").stdout
    )
    assert (
        docket(data, "createadmin", "--username", "boss", "--password", "x", check=False).returncode
        == 1
    )
    docket(
        data,
        "shell",
        "-c",
        "from docket.customers.services import customer_create;"
        "customer_create(actor=None, name='上海ABC贸易有限公司', code='ABC')",
    )
    contract = tmp_path / "购销合同.pdf"
    contract.write_bytes(make_pdf(["购销合同", "合同金额：¥128,000.00"]))
    empty = tmp_path / "空.pdf"
    empty.write_bytes(b"")
    result = docket(
        data,
        "upload",
        str(contract),
        str(empty),
        "--customer",
        "ABC",
        "--type",
        "合同",
        check=False,
    )
    assert result.returncode == 1
    assert "HT-" in result.stdout and "购销合同.pdf" in result.stdout
    assert "空.pdf: the file is empty" in result.stderr
    assert "Unknown customer" not in result.stderr
    bad = docket(
        data, "upload", str(contract), "--customer", "没有这个客户", "--type", "合同", check=False
    )
    assert bad.returncode == 1 and "unknown customer" in bad.stderr

    docket(data, "worker", "--batch", "-v0")
    text_state = docket(
        data,
        "shell",
        "--no-imports",
        "-c",
        "from docket.documents.models import Version;print(Version.objects.get().text_state)",
    ).stdout.strip()
    assert text_state == "done"

    ok = docket(data, "check", "--no-progress")
    assert "OK: every blob is present and intact." in ok.stdout
    blob = next(p for p in (data / "blobs").rglob("*") if p.is_file() and len(p.name) == 64)
    blob.write_bytes(b"tampered")
    damaged = docket(data, "check", "--no-progress", check=False)
    assert damaged.returncode == 1
    assert f"{blob.name}" in damaged.stdout


def test_output_cut_short_by_the_reader_ends_quietly(tmp_path):
    """`docket audit export | head`: the reader leaves early, no traceback follows."""
    data = tmp_path / "data"
    docket(data, "migrate")
    many = (  # more than a pipe holds, so the writer is still writing when head leaves
        "from docket.audit.services import audit_record\n"
        "for i in range(2000):\n"
        "    audit_record(action='search', details={'q': '上海ABC贸易有限公司 合同'})"
    )
    docket(data, "shell", "-c", many)
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKET_")}
    env["DOCKET_DATA_DIR"] = str(data)
    export = f"{sys.executable} -m docket.cli audit export --format csv | head -c 100"
    done = subprocess.run(["bash", "-c", export], env=env, capture_output=True, timeout=120)
    assert len(done.stdout) == 100
    assert b"Traceback" not in done.stderr, done.stderr.decode()[-500:]
