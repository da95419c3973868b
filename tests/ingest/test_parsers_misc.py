"""Text, email, OFD and zip archives; and the registry's answer for a type it does not know."""

import email.message
import io
import zipfile

import pytest

from docket.documents.text import normalise
from docket.ingest.parsers import Limits, archive, parse, render_pages
from docket.ingest.sniff import sniff
from docket.ingest.types import CorruptFile, LimitExceeded, NeedsPassword, Parsed
from tests.ingest import samples

ZIP = "application/zip"


# --- text --------------------------------------------------------------------------------
def test_gb18030_text_is_decoded_and_normalised():
    data = "增值税电子普通发票\r\n价税合计：  ¥128,000.00  \r\n".encode("gb18030")
    assert parse(data, "text/plain").text == normalise("增值税电子普通发票\n价税合计： ¥128,000.00")


def test_csv_text_is_kept_with_its_columns():
    data = "\ufeff客户,金额\n上海ABC贸易有限公司,128000\n".encode()
    assert parse(data, "text/csv").text == "客户,金额\n上海ABC贸易有限公司,128000"


def test_html_loses_its_tags_and_scripts():
    data = "<html><script>alert(1)</script><p>购销合同</p><p>甲方</p></html>".encode()
    assert parse(data, "text/html").text == "购销合同\n\n甲方"


def test_an_unsupported_type_is_kept_without_text():
    assert parse(b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "application/msword") == Parsed()
    assert parse(b"anything", "application/octet-stream") == Parsed()


# --- email -------------------------------------------------------------------------------
def test_an_email_gives_its_headers_body_title_and_date():
    parsed = parse(samples.eml(), "message/rfc822")
    assert parsed.title == "购销合同 扫描件"
    assert parsed.date == "2023-01-01"
    assert "From: 张伟 <zhangwei@abc-trading.cn>" in parsed.text
    assert "Subject: 购销合同 扫描件" in parsed.text
    assert normalise("签订的购销合同，金额¥128,000.00。") in parsed.text
    assert parsed.children == []


def test_an_emails_attachments_become_children():
    contract = samples.pdf()
    parsed = parse(samples.eml(attachment=contract), "message/rfc822")
    assert [(c.name, c.data) for c in parsed.children] == [("购销合同.pdf", contract)]


def test_an_html_only_email_is_read_without_tags_and_keeps_its_inline_logo_out():
    parsed = parse(samples.eml(html=True), "message/rfc822")
    assert "李经理您好" in parsed.text
    assert "<p>" not in parsed.text and "color" not in parsed.text
    assert parsed.children == []  # the cid: logo is part of the message, not a document


def test_a_gb2312_labelled_email_with_gbk_characters_is_read():
    # 镕 is in GBK but not in GB2312: mail clients label such text gb2312 all the same.
    raw = (
        "From: a@b.cn\r\nTo: c@d.cn\r\nSubject: test\r\nDate: Sun, 01 Jan 2023 10:30:00 +0800\r\n"
        'MIME-Version: 1.0\r\nContent-Type: text/plain; charset="gb2312"\r\n'
        "Content-Transfer-Encoding: 8bit\r\n\r\n朱镕基 上海ABC贸易有限公司\r\n"
    ).encode("gbk")
    assert "朱镕基 上海ABC贸易有限公司" in parse(raw, "message/rfc822").text


def test_raw_gbk_headers_from_an_old_mail_client_are_decoded():
    raw = (
        "From: 张伟 <a@b.cn>\r\nSubject: 报价单 上海ABC贸易有限公司\r\n"
        "Date: Sun, 01 Jan 2023 10:30:00 +0800\r\nContent-Type: text/plain; charset=gbk\r\n\r\n"
        "正文\r\n"
    ).encode("gbk")
    parsed = parse(raw, "message/rfc822")
    assert parsed.title == "报价单 上海ABC贸易有限公司"
    assert "From: 张伟 <a@b.cn>" in parsed.text


def test_a_forwarded_email_becomes_a_child_eml_named_by_its_subject():
    inner = email.message.EmailMessage()
    inner["From"] = "zhangwei@abc-trading.cn"
    inner["Subject"] = "购销合同/原件"
    inner.set_content("原文")
    outer = email.message.EmailMessage()
    outer["From"] = "lina@docket.example"
    outer["Subject"] = "转发：购销合同"
    outer.set_content("见附件")
    outer.add_attachment(inner)
    (child,) = parse(bytes(outer), "message/rfc822").children
    assert child.name == "购销合同_原件.eml"
    assert parse(child.data, "message/rfc822").title == "购销合同/原件"


# --- OFD ---------------------------------------------------------------------------------
def test_ofd_text_is_read_page_by_page_in_order():
    parsed = parse(samples.ofd(), "application/ofd")
    assert parsed.page_count == 2
    assert parsed.title == "增值税电子普通发票"
    first, second = parsed.text.split("\f")
    assert first.splitlines()[:3] == [normalise(line) for line in samples.INVOICE]
    assert normalise("第二页：备注 2023年1月1日") == second


def test_ofd_template_labels_meet_their_values_on_one_line():
    first = parse(samples.ofd(), "application/ofd").text.split("\f")[0]
    assert normalise("开票人： 王芳") in first.splitlines()


def test_a_text_ofd_needs_no_ocr_and_has_nothing_to_render():
    assert parse(samples.ofd(), "application/ofd").pages_without_text == []
    assert render_pages(samples.ofd(), "application/ofd", [0, 1]) == []


def test_a_scanned_ofd_page_is_listed_for_ocr_and_its_picture_rendered():
    data = samples.scanned_ofd()
    parsed = parse(data, "application/ofd")
    assert (parsed.page_count, parsed.pages_without_text, parsed.text) == (1, [0], "1")
    (page,) = render_pages(data, "application/ofd", [0], dpi=50)
    assert page.number == 0 and page.image.mode == "RGB"
    width, height = page.image.size  # the 100 dpi scan brought down to 50 dpi
    assert width == 413 and abs(height - 585) <= 1


def test_an_ofd_without_its_pages_is_corrupt():
    with zipfile.ZipFile(io.BytesIO(samples.ofd())) as zf:
        members = {n: zf.read(n) for n in zf.namelist() if "Page_1" not in n}
    with pytest.raises(CorruptFile, match="page .*missing"):
        parse(samples.zip_file(members), "application/ofd")


def test_ofd_xml_with_entities_is_refused():
    evil = samples.zip_file({"OFD.xml": '<!DOCTYPE x [<!ENTITY a "aaaa">]><OFD>&a;</OFD>'})
    with pytest.raises(CorruptFile, match="DTD"):
        parse(evil, "application/ofd")


def test_an_ofd_is_bounded_by_the_page_limit():
    with pytest.raises(LimitExceeded, match="more than 1 pages"):
        parse(samples.ofd(), "application/ofd", limits=Limits(max_pages=1))


# --- zip ---------------------------------------------------------------------------------
def test_zip_members_become_children_without_folders_or_junk():
    data = samples.zip_file(
        {
            "合同/": b"",
            "合同/购销合同.pdf": samples.pdf(),
            "合同/说明.txt": "上海ABC贸易有限公司",
            "__MACOSX/合同/._购销合同.pdf": b"junk",
            ".DS_Store": b"junk",
            "合同/Thumbs.db": b"junk",
        }
    )
    parsed = parse(data, ZIP)
    assert [c.name for c in parsed.children] == ["合同/购销合同.pdf", "合同/说明.txt"]
    assert parsed.children[1].data == "上海ABC贸易有限公司".encode()


def test_gbk_member_names_from_chinese_windows_are_decoded():
    data = samples.zip_file({"发票/增值税发票.txt": "¥128,000.00"}, gbk_names=True)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.namelist() != ["发票/增值税发票.txt"]  # zipfile alone gets it wrong
    assert [c.name for c in parse(data, ZIP).children] == ["发票/增值税发票.txt"]


def test_a_unicode_path_extra_field_gives_the_real_name():
    data = samples.zip_with_unicode_path_field("报价单.txt", b"????.txt", "¥128,000.00".encode())
    assert [c.name for c in parse(data, ZIP).children] == ["报价单.txt"]


def test_path_traversal_names_are_made_harmless():
    data = samples.zip_file({"../../etc/passwd": "x", "/abs/合同.txt": "y", "C:\\x\\发票.txt": "z"})
    assert [c.name for c in parse(data, ZIP).children] == [
        "etc/passwd",
        "abs/合同.txt",
        "x/发票.txt",
    ]


def test_a_zip_bomb_is_refused():
    bomb = samples.zip_bomb(50)
    assert len(bomb) < 200_000
    with pytest.raises(LimitExceeded, match="expands to more than 100 times") as caught:
        parse(bomb, ZIP)
    assert caught.value.code == "limit_exceeded"


def test_a_zip_that_understates_its_sizes_is_corrupt_not_expanded():
    lying = samples.lying_zip(megabytes=5, claimed=1024)
    with zipfile.ZipFile(io.BytesIO(lying)) as zf:
        assert zf.infolist()[0].file_size == 1024  # passes the check on declared sizes
    with pytest.raises(CorruptFile, match="damaged"):  # reading stops at 1 kB: a CRC error
        parse(lying, ZIP)


def test_expansion_is_also_counted_while_reading(monkeypatch):
    # The second guard, on its own: without the check on declared sizes, the bytes actually
    # decompressed still stop the read at the limit.
    monkeypatch.setattr(archive.ZipBudget, "check_declared", lambda self, zf: None)
    limits = Limits(max_zip_total_bytes=2 << 20, max_zip_ratio=10**6)
    with pytest.raises(LimitExceeded, match="more than 2,097,152 bytes"):
        parse(samples.zip_bomb(5), ZIP, limits=limits)


def test_too_many_members_are_refused():
    data = samples.zip_file({f"{n}.txt": "合同" for n in range(11)})
    with pytest.raises(LimitExceeded, match="more than 10 members"):
        parse(data, ZIP, limits=Limits(max_zip_members=10))


def test_a_nested_zip_is_expanded_into_its_members():
    parsed = parse(samples.nested_zip(2), ZIP)
    assert [c.name for c in parsed.children] == ["第1层.zip/发票.pdf", "说明1.txt"]
    assert sniff(parsed.children[0].data) == "application/pdf"


def test_office_and_ofd_files_in_a_zip_are_documents_not_archives_to_expand():
    members = {"合同.docx": samples.docx_file(), "发票.ofd": samples.ofd()}
    parsed = parse(samples.zip_file(members), ZIP)
    assert [(c.name, c.data) for c in parsed.children] == list(members.items())


def test_zips_nested_too_deep_are_refused():
    with pytest.raises(LimitExceeded, match="nested more than 2 deep"):
        parse(samples.nested_zip(3), ZIP)


def test_a_damaged_zip_is_corrupt():
    data = samples.zip_file({"合同.txt": "购销合同" * 1000})
    with pytest.raises(CorruptFile, match="damaged"):
        parse(data[: len(data) // 2], ZIP)


def test_a_password_protected_zip_needs_its_password():
    # Python cannot write encrypted zips: flag the member as encrypted to see it refused.
    data = bytearray(samples.zip_file({"合同.txt": "购销合同"}))
    data[6] |= 0x01  # local header general-purpose flags
    central = data.rfind(b"PK\x01\x02")
    data[central + 8] |= 0x01
    with pytest.raises(NeedsPassword, match="password-protected"):
        parse(bytes(data), ZIP)
