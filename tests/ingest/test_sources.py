"""Sources other than the API: the command line and the watched folder."""

import os
import time

from django.core.management import CommandError, call_command

from docket.customers.services import customer_create
from docket.demo.pdfgen import make_pdf
from docket.documents.models import Document
from docket.ingest.folder import scan_folder
from docket.ingest.models import IngestJob
from tests.ingest.test_pipeline import CONTRACT_LINES


def test_cli_ingest_files_a_folder_tree_now(tmp_path, customer, contract_type, capsys):
    (tmp_path / "批次").mkdir()
    (tmp_path / "批次" / "合同.pdf").write_bytes(make_pdf(CONTRACT_LINES))
    (tmp_path / "批次" / "纪要.txt").write_bytes("会议纪要\n上海ABC贸易有限公司\n".encode())
    (tmp_path / "批次" / ".hidden").write_bytes(b"x")
    call_command(
        "ingest", str(tmp_path), "--customer", customer.code, "--type", "合同", "--no-progress"
    )
    out = capsys.readouterr().out
    assert out.count("done\tHT-") == 2
    assert Document.objects.count() == 2


def test_cli_ingest_reports_what_it_could_not_file(tmp_path, customer, contract_type, capsys):
    (tmp_path / "坏.pdf").write_bytes(b"%PDF-1.4\n" + b"\x00" * 100)
    (tmp_path / "空.pdf").write_bytes(b"")
    try:
        call_command(
            "ingest", str(tmp_path), "--customer", customer.code, "--type", "合同", "--no-progress"
        )
    except CommandError as exc:
        assert "inbox" in str(exc)
    else:
        raise AssertionError("the command should fail")
    captured = capsys.readouterr()
    assert "空.pdf: the file is empty" in captured.err
    assert "failed" in captured.out


def drop(path, data: bytes, age: float = 10) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    old = time.time() - age
    os.utime(path, (old, old))


def test_watched_folder_files_into_the_customer_its_subfolder_names_and_then_removes_the_file(
    tmp_path, user, contract_type, run_tasks
):
    abc = customer_create(actor=user, name="上海ABC贸易有限公司")
    other = customer_create(actor=user, name="北京华信科技有限公司")
    contract = tmp_path / "北京华信科技有限公司" / "合同" / "合同.pdf"
    minutes = tmp_path / "上海ABC贸易有限公司" / "合同" / "2023" / "纪要.txt"
    drop(contract, make_pdf(CONTRACT_LINES))
    drop(minutes, "会议纪要\n".encode())
    drop(tmp_path / "北京华信科技有限公司" / "写入中.pdf", make_pdf(["x"]), age=0)  # being written
    report = scan_folder(tmp_path)
    assert len(report.submitted) == 2
    jobs = {j.original_name: j for j in IngestJob.objects.all()}
    assert jobs["合同.pdf"].customer == other  # the folder wins over the name in the text
    assert jobs["纪要.txt"].customer == abc
    assert jobs["合同.pdf"].document_type == contract_type  # the second folder names the type
    assert contract.exists()  # not yet filed: kept
    assert scan_folder(tmp_path).submitted == []  # not submitted twice while queued
    run_tasks()
    report = scan_folder(tmp_path)
    assert sorted(report.removed) == sorted([str(contract), str(minutes)])
    assert not contract.exists()
    assert Document.objects.filter(customer=other).count() == 1


def test_a_file_whose_job_fails_stays_in_the_watched_folder(
    tmp_path, customer, contract_type, run_tasks
):
    bad = tmp_path / customer.name / "合同" / "坏.pdf"
    drop(bad, b"%PDF-1.4\n" + b"\x00" * 100)
    scan_folder(tmp_path)
    run_tasks()
    report = scan_folder(tmp_path)
    assert report.removed == []
    assert report.waiting == [str(bad)]
    assert bad.exists()
    assert IngestJob.objects.get().state == IngestJob.State.FAILED
