"""A process killed with SIGKILL in the middle of an upload loses nothing and leaves no row
without its bytes: afterwards `docket check` finds no orphan row and no damaged blob."""

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from docket.demo.pdfgen import make_pdf
from docket.documents import fixity
from docket.documents.models import Document, Version
from docket.storage.blobstore import get_blob_store

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def database_url() -> str:
    """The URL of the test database this test is using, for a child process."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def start_upload(paths: list[Path], customer, blob_root: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DOCKET_DATABASE_URL": database_url(),
        "DOCKET_BLOB_ROOT": str(blob_root),
        "DOCKET_BLOB_BACKEND": "local",
    }
    connection.close()  # let the child take the SQLite write lock
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "docket.cli",
            "upload",
            *map(str, paths),
            "--customer",
            str(customer.id),
            "--type",
            "合同",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def assert_nothing_lost(report: fixity.CheckReport) -> None:
    assert report.problems == [], "a version names a missing or damaged blob"
    assert report.documents_without_versions == [], "a document row has no version"
    store = get_blob_store()
    for sha in store.iter_shas():
        assert store.hash(sha) == sha, "a half-written blob is visible in the store"


def test_kill_while_the_blob_is_being_written_leaves_no_row_and_no_blob(
    customer, contract_type, blob_root, tmp_path
):
    fifo = tmp_path / "scanner-pipe.pdf"
    os.mkfifo(fifo)
    child = start_upload([fifo], customer, blob_root)
    with open(fifo, "wb") as writer:
        writer.write(b"%PDF-1.7\n" + os.urandom(3 * 1024 * 1024))
        writer.flush()
        deadline = time.monotonic() + 30
        part_files: list[Path] = []
        while time.monotonic() < deadline:
            part_files = (
                list((blob_root / "tmp").glob("*.part")) if (blob_root / "tmp").exists() else []
            )
            if part_files and part_files[0].stat().st_size > 0:
                break
            time.sleep(0.05)
        assert part_files, "the child never started writing the blob"
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert Document.all_objects.count() == 0
    assert Version.objects.count() == 0
    report = fixity.run_check()
    assert_nothing_lost(report)
    assert report.orphans == []
    assert list(get_blob_store().iter_shas()) == []
    assert len(report.stale_temp_files) == 0  # too young to call stale, but never a blob


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kill_at_a_random_moment_of_a_bulk_upload_leaves_every_row_with_its_bytes(
    customer, contract_type, blob_root, tmp_path, seed
):
    rng = random.Random(seed)
    paths = []
    for i in range(40):
        path = tmp_path / f"合同{i:02d}.pdf"
        path.write_bytes(
            make_pdf([f"购销合同 第{i}号", "上海ABC贸易有限公司"])
            + os.urandom(rng.randint(1, 200_000))
        )
        paths.append(path)
    child = start_upload(paths, customer, blob_root)
    # wait until the child has filed at least one document, then kill it at a random moment
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not child.stdout.readline():
        pass
    time.sleep(rng.uniform(0.0, 0.5))
    child.send_signal(signal.SIGKILL)
    child.communicate(timeout=30)
    connection.close()
    filed = Document.all_objects.count()
    assert 1 <= filed <= len(paths)
    assert Version.objects.count() == filed
    report = fixity.run_check()
    assert_nothing_lost(report)
    assert len(report.orphans) <= 1  # at most the one blob whose row had not yet committed
