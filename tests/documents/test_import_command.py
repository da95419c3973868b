"""docket import DIR: a folder per customer, every file inside it (at any depth) a document."""

import hashlib
import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from docket.customers.models import Customer
from docket.customers.services import customer_create
from docket.documents.models import Document, Version
from docket.storage.blobstore import get_blob_store

PDF_HEAD = b"%PDF-1.4\n"


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def run_import(root: Path, *args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_tree", str(root), "--no-progress", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def titles_of(customer: Customer) -> dict[str, str]:
    return {
        d.title: d.document_type.name
        for d in Document.objects.filter(customer=customer).select_related("document_type")
    }


@pytest.fixture
def beijing(user) -> Customer:
    return customer_create(actor=user, name="北京鼎盛科技有限公司")


@pytest.fixture
def tree(tmp_path, customer, beijing, contract_pdf) -> Path:
    """Two customer folders, one with a nested folder, plus hidden files to ignore."""
    root = tmp_path / "import"
    write(root / customer.name / "购销合同2023.pdf", contract_pdf)
    write(root / customer.name / "2023" / "发票" / "一月.pdf", PDF_HEAD + b"invoice 1")
    write(root / customer.name / ".DS_Store", b"mac junk")
    write(root / customer.name / "~$购销合同2023.docx", b"office lock file")
    write(root / beijing.name / "报价单-服务器.csv", "产品,数量\n服务器,2\n".encode())
    write(root / beijing.name / ".git" / "config", b"[core]")
    return root


def test_each_customer_folder_files_its_files_including_nested_ones(tree, customer, beijing):
    out, err = run_import(tree)

    assert titles_of(customer) == {"购销合同2023": "合同", "一月": "发票"}
    assert titles_of(beijing) == {"报价单-服务器": "报价单"}
    nested = Document.objects.get(title="一月")
    assert nested.notes == f"导入自 {customer.name}/2023/发票/一月.pdf"
    assert nested.versions.get().original_name == "一月.pdf"
    assert "3 imported, 0 skipped (0 already filed), 0 failed." in out
    assert err == ""


def test_hidden_files_and_folders_and_office_lock_files_are_left_out(tree):
    out, _ = run_import(tree)

    names = set(Version.objects.values_list("original_name", flat=True))
    assert names == {"购销合同2023.pdf", "一月.pdf", "报价单-服务器.csv"}
    assert "DS_Store" not in out and "config" not in out


def test_type_option_sets_every_files_type(tree):
    run_import(tree, "--type", "会议纪要")

    assert set(Document.objects.values_list("document_type__name", flat=True)) == {"会议纪要"}


def test_file_named_after_no_type_gets_the_default_type(tmp_path, customer):
    write(tmp_path / customer.name / "扫描001.pdf", PDF_HEAD + b"scan")
    write(tmp_path / customer.name / "其他.pdf", PDF_HEAD + b"other")

    run_import(tmp_path, "--default-type", "签收单")

    assert set(titles_of(customer).values()) == {"签收单"}


def test_without_a_default_type_an_untyped_file_is_a_contract(tmp_path, customer):
    write(tmp_path / customer.name / "扫描001.pdf", PDF_HEAD + b"scan")

    run_import(tmp_path)

    assert titles_of(customer) == {"扫描001": "合同"}


def test_the_longest_type_name_in_a_file_name_wins(tmp_path, customer):
    write(tmp_path / customer.name / "合同附件-服务申请单.pdf", PDF_HEAD + b"request")

    run_import(tmp_path)

    assert titles_of(customer) == {"合同附件-服务申请单": "服务申请单"}


def test_unknown_customer_folder_is_reported_and_skipped(tmp_path, customer):
    write(tmp_path / customer.name / "合同.pdf", PDF_HEAD + b"known")
    write(tmp_path / "广州新客户有限公司" / "合同.pdf", PDF_HEAD + b"unknown")

    out, _ = run_import(tmp_path)

    assert "skipped 广州新客户有限公司/合同.pdf: no customer named '广州新客户有限公司'" in out
    assert "1 imported, 1 skipped" in out
    assert not Customer.objects.filter(name="广州新客户有限公司").exists()
    assert Document.objects.count() == 1


def test_create_customers_creates_a_missing_customer_and_files_into_it(tmp_path, db):
    write(tmp_path / "广州新客户有限公司" / "合同.pdf", PDF_HEAD + b"unknown")

    out, _ = run_import(tmp_path, "--create-customers")

    created = Customer.objects.get(name="广州新客户有限公司")
    assert titles_of(created) == {"合同": "合同"}
    assert "Created customers: 广州新客户有限公司" in out


def test_empty_file_is_reported_the_others_imported_and_the_exit_status_is_an_error(tree, customer):
    write(tree / customer.name / "空白合同.pdf", b"")

    with pytest.raises(CommandError, match="1 of 4 files failed"):
        run_import(tree)

    assert Document.objects.count() == 3
    assert not Document.objects.filter(title="空白合同").exists()


def test_failure_is_reported_with_its_reason_on_stderr(tmp_path, customer):
    write(tmp_path / customer.name / "空白合同.pdf", b"")
    err = StringIO()

    with pytest.raises(CommandError):
        call_command("import_tree", str(tmp_path), "--no-progress", stdout=StringIO(), stderr=err)

    assert f"FAILED {customer.name}/空白合同.pdf: the file is empty" in err.getvalue()


def test_reimport_skips_files_already_filed_for_that_customer(tree, customer):
    run_import(tree)
    write(tree / customer.name / "补充协议合同.pdf", PDF_HEAD + b"new since the first run")

    out, _ = run_import(tree)

    assert Document.objects.count() == 4
    assert "1 imported, 3 skipped (3 already filed), 0 failed." in out
    assert f"skipped {customer.name}/购销合同2023.pdf: already filed for this customer" in out


def test_the_same_file_for_another_customer_is_not_a_duplicate(tmp_path, customer, beijing):
    write(tmp_path / customer.name / "合同.pdf", PDF_HEAD + b"same bytes")
    write(tmp_path / beijing.name / "合同.pdf", PDF_HEAD + b"same bytes")

    run_import(tmp_path)

    assert Document.objects.filter(customer=customer).count() == 1
    assert Document.objects.filter(customer=beijing).count() == 1


def test_dry_run_reports_what_would_happen_and_writes_nothing(tree, blob_root):
    write(tree / "广州新客户有限公司" / "合同.pdf", PDF_HEAD + b"unknown")

    out, _ = run_import(tree, "--dry-run", "--create-customers")

    assert "Dry run, nothing written: 4 to import, 0 skipped" in out
    assert "Would create customers: 广州新客户有限公司" in out
    assert Document.objects.count() == 0
    assert not Customer.objects.filter(name="广州新客户有限公司").exists()
    assert list(get_blob_store().iter_shas()) == []


def test_chinese_and_hostile_file_names_are_imported_and_kept_escaped(tmp_path, customer):
    hostile = 'x\n<>:"|?*\\..\\..\\合同\x1b.pdf'
    write(tmp_path / customer.name / "购销合同（盖章版）.pdf", PDF_HEAD + b"chinese")
    write(tmp_path / customer.name / hostile, PDF_HEAD + b"hostile")

    run_import(tmp_path)

    names = set(Version.objects.values_list("original_name", flat=True))
    assert names == {"购销合同（盖章版）.pdf", 'x\\x0a<>:"|?*\\..\\..\\合同\\x1b.pdf'}
    assert set(Document.objects.values_list("document_type__name", flat=True)) == {"合同"}


def test_a_gbk_encoded_name_from_a_windows_archive_is_decoded(tmp_path, customer):
    folder = os.fsencode(tmp_path) + b"/" + customer.name.encode("gb18030")
    os.mkdir(folder)
    with open(folder + b"/" + "报价单.pdf".encode("gb18030"), "wb") as f:
        f.write(PDF_HEAD + b"gbk")

    run_import(tmp_path)

    assert titles_of(customer) == {"报价单": "报价单"}


def test_customer_option_files_the_whole_tree_under_one_customer(tree, customer, beijing):
    run_import(tree, "--customer", beijing.name)

    assert Document.objects.filter(customer=beijing).count() == 3
    assert Document.objects.filter(customer=customer).count() == 0


def test_unknown_customer_option_is_an_error_and_imports_nothing(tree):
    with pytest.raises(CommandError, match="unknown customer"):
        run_import(tree, "--customer", "不存在的公司")

    assert Document.objects.count() == 0


def test_a_file_lying_outside_any_customer_folder_is_skipped(tmp_path, customer):
    data = PDF_HEAD + b"loose"
    write(tmp_path / "合同.pdf", data)

    out, _ = run_import(tmp_path)

    assert "skipped 合同.pdf: not inside a customer folder" in out
    assert not Version.objects.filter(sha256=hashlib.sha256(data).hexdigest()).exists()
