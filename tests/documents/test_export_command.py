"""docket export DIR: each live document's current file under DIR/<customer>/, named by the
naming rule, with a manifest.csv that Excel opens (UTF-8 with a BOM)."""

import csv
import datetime
import hashlib
import io
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from docket.customers.services import customer_create
from docket.documents.exporter import MANIFEST_COLUMNS
from docket.documents.models import Document, DocumentType, Version
from docket.documents.services import document_delete, document_upload, version_add

JAN_1 = datetime.date(2023, 1, 1)


def upload(customer, document_type, data: bytes, name: str, date=JAN_1) -> Document:
    return document_upload(
        actor=None,
        file=io.BytesIO(data),
        filename=name,
        customer=customer,
        document_type=document_type,
        document_date=date,
    )


def export(root: Path, *args: str) -> str:
    out = StringIO()
    call_command("export_tree", str(root), "--no-progress", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def manifest(root: Path) -> list[dict[str, str]]:
    with (root / "manifest.csv").open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture
def out_dir(tmp_path) -> Path:
    return tmp_path / "export"  # tmp_path itself holds the test's blob store


@pytest.fixture
def filed(customer, contract_type, contract_pdf):
    """A revised contract, a quotation of another customer, and a document in the trash."""
    contract = upload(customer, contract_type, contract_pdf, "购销合同.pdf")
    version_add(
        actor=None, document=contract, file=io.BytesIO(contract_pdf + b"%signed"), filename="v2.pdf"
    )
    beijing = customer_create(actor=None, name="北京鼎盛科技有限公司")
    quotation_type = DocumentType.objects.get(name="报价单")
    upload(beijing, quotation_type, "产品,数量\n服务器,2\n".encode(), "报价单.csv")
    trashed = upload(customer, contract_type, b"%PDF-1.4\ntrashed", "作废.pdf")
    document_delete(actor=None, document=trashed)
    return contract


def test_export_writes_each_current_version_under_its_customer_with_the_naming_rule(out_dir, filed):
    out = export(out_dir)

    files = sorted(p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*"))
    assert files == [
        "manifest.csv",
        "上海ABC贸易有限公司",
        "上海ABC贸易有限公司/上海ABC贸易有限公司_合同_20230101.pdf",
        "北京鼎盛科技有限公司",
        "北京鼎盛科技有限公司/北京鼎盛科技有限公司_报价单_20230101.csv",
    ]
    assert "Exported 2 documents" in out


def test_round_trip_every_exported_file_matches_the_manifest_and_its_version(out_dir, filed):
    export(out_dir)

    rows = manifest(out_dir)
    assert len(rows) == Document.objects.count() == 2
    for row in rows:
        data = (out_dir / row["path"]).read_bytes()
        current = Version.objects.filter(document__archive_number=row["archive_number"]).last()
        assert hashlib.sha256(data).hexdigest() == row["sha256"] == current.sha256
        assert int(row["version"]) == current.number
        assert int(row["size"]) == len(data) == current.size
        assert row["mime"] == current.mime_type
    contract = next(r for r in rows if r["archive_number"] == filed.archive_number)
    assert {key: contract[key] for key in ("customer", "type", "title", "date", "version")} == {
        "customer": "上海ABC贸易有限公司",
        "type": "合同",
        "title": "购销合同",
        "date": "2023-01-01",
        "version": "2",
    }


def test_manifest_is_utf8_with_a_bom_so_excel_reads_the_chinese(out_dir, filed):
    export(out_dir)

    raw = (out_dir / "manifest.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw[3:].decode("utf-8").splitlines()[0] == ",".join(MANIFEST_COLUMNS)
    assert "上海ABC贸易有限公司".encode() in raw


def test_documents_given_the_same_name_get_numbered_suffixes(
    out_dir, customer, contract_type, contract_pdf
):
    for n in range(3):
        upload(customer, contract_type, contract_pdf + bytes([n]), f"合同{n}.pdf")

    export(out_dir)

    assert sorted(row["path"].split("/")[1] for row in manifest(out_dir)) == [
        "上海ABC贸易有限公司_合同_20230101.pdf",
        "上海ABC贸易有限公司_合同_20230101_2.pdf",
        "上海ABC贸易有限公司_合同_20230101_3.pdf",
    ]
    assert len(list((out_dir / "上海ABC贸易有限公司").iterdir())) == 3


def test_a_customer_name_unsafe_for_file_systems_gives_a_safe_folder(
    out_dir, contract_type, contract_pdf
):
    hostile = customer_create(actor=None, name='A/B:C*"..\\公司')
    upload(hostile, contract_type, contract_pdf, "合同.pdf")

    export(out_dir)

    [row] = manifest(out_dir)
    folder = row["path"].split("/")[0]
    assert folder == "A_B_C__.._公司"
    assert (out_dir / row["path"]).is_file()


def test_customer_option_exports_only_that_customer(out_dir, filed):
    export(out_dir, "--customer", "北京鼎盛科技有限公司")

    assert [row["customer"] for row in manifest(out_dir)] == ["北京鼎盛科技有限公司"]


def test_a_non_empty_directory_is_refused_unless_forced(out_dir, filed):
    out_dir.mkdir()
    (out_dir / "notes.txt").write_text("keep me")

    with pytest.raises(CommandError, match="not empty"):
        export(out_dir)
    assert not (out_dir / "manifest.csv").exists()

    export(out_dir, "--force")
    assert len(manifest(out_dir)) == 2
    assert (out_dir / "notes.txt").read_text() == "keep me"


def test_a_damaged_blob_is_reported_and_never_written(out_dir, filed, blob_root):
    damaged = filed.versions.order_by("-number").first()
    blob = blob_root / damaged.sha256[:2] / damaged.sha256[2:4] / damaged.sha256
    blob.chmod(0o644)
    blob.write_bytes(b"bit rot")

    with pytest.raises(CommandError, match="1 documents could not be exported"):
        export(out_dir)

    assert [row["customer"] for row in manifest(out_dir)] == ["北京鼎盛科技有限公司"]
    written = sorted(p.name for p in out_dir.rglob("*") if p.is_file())
    assert written == ["manifest.csv", "北京鼎盛科技有限公司_报价单_20230101.csv"]


def test_an_export_imports_back_as_files_already_filed(out_dir, filed):
    export(out_dir)

    out = StringIO()
    call_command("import_tree", str(out_dir), "--no-progress", stdout=out)

    assert "0 imported, 3 skipped (2 already filed), 0 failed." in out.getvalue()
    assert Document.objects.count() == 2
