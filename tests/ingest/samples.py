"""Every sample file the ingest tests use, made in code (nothing binary is checked in).

Chinese first: the text in these files is what Docket's users file every day.
"""

import io
import struct
import zipfile
import zlib
from collections.abc import Mapping
from email.message import EmailMessage

import pikepdf
from PIL import Image, ImageDraw

from docket.demo.pdfgen import make_pdf

INVOICE = ["增值税电子普通发票", "购买方：上海ABC贸易有限公司", "价税合计：¥128,000.00"]
CONTRACT = [
    "购销合同",
    "甲方：上海ABC贸易有限公司",
    "乙方：北京XYZ科技有限公司",
    "签订日期：2023年1月1日",
]


# --- PDF ---------------------------------------------------------------------------------
def pdf(pages: list[list[str]] | None = None, title: str = "") -> bytes:
    return make_pdf(pages or [CONTRACT], title=title)


def scanned_pdf(pages: int = 1) -> bytes:
    """A PDF whose pages are pictures only, as a scanner makes them."""
    images = [page_image(f"扫描件 第{n + 1}页") for n in range(pages)]
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=100, save_all=True, append_images=images[1:])
    return out.getvalue()


def mixed_pdf() -> bytes:
    """Page 1 born-digital, page 2 a scan, page 3 born-digital."""
    merged = pikepdf.new()
    for part in (pdf([CONTRACT]), scanned_pdf(1), pdf([INVOICE])):
        with pikepdf.open(io.BytesIO(part)) as source:
            merged.pages.extend(source.pages)
    return _save(merged)


def encrypted_pdf(password: str = "密码123") -> bytes:
    with pikepdf.open(io.BytesIO(pdf([INVOICE]))) as doc:
        return _save(doc, encryption=pikepdf.Encryption(user=password, owner="档案-owner", R=6))


def owner_locked_pdf() -> bytes:
    """Opens without a password, but its owner forbids copying text."""
    with pikepdf.open(io.BytesIO(pdf([INVOICE]))) as doc:
        locked = pikepdf.Encryption(
            user="", owner="档案-owner", R=6, allow=pikepdf.Permissions(extract=False)
        )
        return _save(doc, encryption=locked)


def empty_pdf() -> bytes:
    """A well-formed PDF with a page tree of no pages."""
    return _save(pikepdf.new())


def many_pages_pdf(count: int) -> bytes:
    """count pages, fast: one page repeated (pikepdf shares its content stream)."""
    doc = pikepdf.open(io.BytesIO(pdf([["第1页 购销合同"]])))
    for _ in range(count - 1):
        doc.pages.append(doc.pages[0])
    return _save(doc)


def truncated_pdf() -> bytes:
    data = pdf([CONTRACT, INVOICE])
    return data[: len(data) // 2]


def _save(doc: pikepdf.Pdf, **kwargs) -> bytes:
    out = io.BytesIO()
    doc.save(out, **kwargs)
    return out.getvalue()


# --- images ------------------------------------------------------------------------------
def page_image(label: str = "扫描件", size: tuple[int, int] = (827, 1169)) -> Image.Image:
    """An A4 page at 100 dpi with dark lines standing in for text (Pillow's default font has
    no CJK glyphs; what matters here is that a page has ink on it)."""
    image = Image.new("RGB", size, "white")
    if min(size) < 300:  # a logo-sized picture: no page furniture
        return image
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, 60, size[0] - 60, 140), fill="black")
    for y in range(200, size[1] - 80, 40):
        draw.line((80, y, size[0] - 80, y), fill=(40, 40, 40), width=6)
    draw.text((80, 160), label.encode("ascii", "ignore").decode() or "scan", fill="black")
    return image


def image_file(fmt: str, size: tuple[int, int] = (827, 1169), **save: object) -> bytes:
    out = io.BytesIO()
    page_image(size=size).save(out, fmt, **save)
    return out.getvalue()


def tiff(pages: int = 3) -> bytes:
    frames = [page_image(f"page {n}") for n in range(pages)]
    out = io.BytesIO()
    frames[0].save(out, "TIFF", save_all=True, append_images=frames[1:], compression="tiff_lzw")
    return out.getvalue()


def bomb_png(width: int = 100_000, height: int = 100_000) -> bytes:
    """A PNG that declares width x height pixels in a few hundred bytes (a decompression bomb:
    decoding it would need tens of gigabytes)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grayscale
    idat = zlib.compress(b"\x00" * 1024, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def truncated_jpeg() -> bytes:
    data = image_file("JPEG", quality=90)
    return data[: len(data) // 2]


def rotated_jpeg() -> bytes:
    """A phone photo held sideways: pixels landscape, EXIF says turn 90 degrees."""
    image = page_image().rotate(90, expand=True)
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 CW to view
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


# --- Office ------------------------------------------------------------------------------
def docx_file() -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.title = "购销合同（2023）"
    document.add_heading("购销合同", level=1)
    document.add_paragraph("甲方：上海ABC贸易有限公司")
    table = document.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ["品名", "数量", "金额"], strict=True):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ["办公桌", "40", "¥128,000.00"], strict=True):
        cell.text = text
    document.add_paragraph("签订日期：2023年1月1日")
    document.sections[0].footer.paragraphs[0].text = "上海ABC贸易有限公司 机密"
    return _office_bytes(document)


def xlsx_file() -> bytes:
    import datetime

    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "应收账款"
    sheet.append(["客户", "金额", "到期日"])
    sheet.append(["上海ABC贸易有限公司", 128000, datetime.datetime(2023, 1, 1)])
    sheet.append(["北京XYZ科技有限公司", 5000.5, datetime.datetime(2023, 2, 1)])
    workbook.create_sheet("联系人").append(["张伟", "13800138000"])
    return _office_bytes(workbook)


def pptx_file() -> bytes:
    import pptx

    presentation = pptx.Presentation()
    for title, body in [("年度客户回顾", "上海ABC贸易有限公司"), ("合同金额", "¥128,000.00")]:
        slide = presentation.slides.add_slide(presentation.slide_layouts[1])
        slide.shapes.title.text = title
        slide.placeholders[1].text = body
    presentation.slides[1].notes_slide.notes_text_frame.text = "备注：续签在即"
    return _office_bytes(presentation)


def _office_bytes(document: object) -> bytes:
    out = io.BytesIO()
    document.save(out)  # type: ignore[attr-defined]
    return out.getvalue()


# --- email -------------------------------------------------------------------------------
def eml(*, html: bool = False, attachment: bytes | None = None, charset: str = "utf-8") -> bytes:
    message = EmailMessage()
    message["From"] = "张伟 <zhangwei@abc-trading.cn>"
    message["To"] = "李娜 <lina@docket.example>"
    message["Subject"] = "购销合同 扫描件"
    message["Date"] = "Sun, 01 Jan 2023 10:30:00 +0800"
    body = "李经理您好：\n附件是与上海ABC贸易有限公司签订的购销合同，金额¥128,000.00。"
    if html:
        message.set_content(
            f"<html><head><style>p {{color: red}}</style></head><body><p>{body}</p>"
            '<img src="cid:logo@abc"></body></html>',
            subtype="html",
            charset=charset,
        )
        message.add_related(image_file("PNG", size=(40, 20)), "image", "png", cid="<logo@abc>")
    else:
        message.set_content(body, charset=charset)
    if attachment is not None:
        message.add_attachment(
            attachment, maintype="application", subtype="pdf", filename="购销合同.pdf"
        )
    return bytes(message)


# --- OFD ---------------------------------------------------------------------------------
OFD_NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'


def ofd(pages: list[list[str]] | None = None, *, title: str = "增值税电子普通发票") -> bytes:
    """A minimal valid OFD: OFD.xml -> Doc_0/Document.xml -> Pages/Page_N/Content.xml, with a
    template page holding labels that the first page's values sit beside (as in e-invoices)."""
    pages = pages or [INVOICE, ["第二页：备注 2023年1月1日"]]
    files = {
        "OFD.xml": f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD {OFD_NS} Version="1.0" '
        f'DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>abc</ofd:DocID><ofd:Title>{title}'
        "</ofd:Title></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody>"
        "</ofd:OFD>",
        "Doc_0/Document.xml": f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document {OFD_NS}>'
        "<ofd:CommonData><ofd:MaxUnitID>99</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>"
        "0 0 210 140</ofd:PhysicalBox></ofd:PageArea>"
        '<ofd:TemplatePage ID="2" BaseLoc="Tpls/Tpl_0/Content.xml"/></ofd:CommonData>'
        "<ofd:Pages>"
        + "".join(
            f'<ofd:Page ID="{10 + n}" BaseLoc="Pages/Page_{n}/Content.xml"/>'
            for n in range(len(pages))
        )
        + "</ofd:Pages></ofd:Document>",
        "Doc_0/Tpls/Tpl_0/Content.xml": _ofd_page([(10, 40, "开票人：")]),
    }
    for n, lines in enumerate(pages):
        placed = [(10, 10 + 8 * i, line) for i, line in enumerate(lines)]
        if n == 0:
            placed.append((30, 40, "王芳"))  # the value beside the template's label
        files[f"Doc_0/Pages/Page_{n}/Content.xml"] = _ofd_page(placed, template=n == 0)
    return zip_file(files)


def scanned_ofd() -> bytes:
    """An OFD of one scanned page: a picture (A4 at 100 dpi) and a stamped page number."""
    return zip_file(
        {
            "OFD.xml": f'<ofd:OFD {OFD_NS} Version="1.0" DocType="OFD"><ofd:DocBody>'
            "<ofd:DocRoot>/Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
            "Doc_0/Document.xml": f"<ofd:Document {OFD_NS}><ofd:CommonData>"
            "<ofd:DocumentRes>DocumentRes.xml</ofd:DocumentRes></ofd:CommonData>"
            '<ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages>'
            "</ofd:Document>",
            "Doc_0/DocumentRes.xml": f'<ofd:Res {OFD_NS} BaseLoc="Res"><ofd:MultiMedias>'
            '<ofd:MultiMedia ID="7" Type="Image" Format="PNG"><ofd:MediaFile>scan_0.png'
            "</ofd:MediaFile></ofd:MultiMedia></ofd:MultiMedias></ofd:Res>",
            "Doc_0/Res/scan_0.png": image_file("PNG"),
            "Doc_0/Pages/Page_0/Content.xml": f"<ofd:Page {OFD_NS}><ofd:Content><ofd:Layer ID='2'>"
            '<ofd:ImageObject ID="3" ResourceID="7" Boundary="0 0 210 297" CTM="210 0 0 297 0 0"/>'
            '<ofd:TextObject ID="4" Boundary="100 285 10 5"><ofd:TextCode X="0" Y="4">1'
            "</ofd:TextCode></ofd:TextObject></ofd:Layer></ofd:Content></ofd:Page>",
        }
    )


def _ofd_page(texts: list[tuple[int, int, str]], template: bool = False) -> str:
    objects = "".join(
        f'<ofd:TextObject ID="{100 + i}" Boundary="{x} {y} 150 8" Font="1" Size="4">'
        f'<ofd:TextCode X="0" Y="4">{text}</ofd:TextCode></ofd:TextObject>'
        for i, (x, y, text) in enumerate(texts)
    )
    use = '<ofd:Template TemplateID="2" ZOrder="Background"/>' if template else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page {OFD_NS}>{use}<ofd:Content>'
        f'<ofd:Layer ID="50">{objects}</ofd:Layer></ofd:Content></ofd:Page>'
    )


# --- zip ---------------------------------------------------------------------------------
def zip_file(members: Mapping[str, bytes | str], *, gbk_names: bool = False) -> bytes:
    """A zip of members; gbk_names writes non-ASCII names as GBK without the UTF-8 flag, as
    Windows' built-in zip does on a Chinese system."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in members.items():
            data = content.encode() if isinstance(content, str) else content
            info = _GbkZipInfo(name) if gbk_names else zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return out.getvalue()


def zip_with_unicode_path_field(name: str, legacy_name: bytes, data: bytes) -> bytes:
    """A member whose header name is legacy bytes, with Info-ZIP's Unicode Path extra field
    (0x7075) giving the real name, as 7-Zip and Info-ZIP write it."""
    field = b"\x01" + struct.pack("<I", zlib.crc32(legacy_name)) + name.encode()
    info = _RawNameZipInfo(legacy_name.decode("cp437"))
    info.raw_name = legacy_name
    info.extra = struct.pack("<HH", 0x7075, len(field)) + field
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr(info, data)
    return out.getvalue()


class _RawNameZipInfo(zipfile.ZipInfo):
    raw_name = b""

    def _encodeFilenameFlags(self):  # noqa: N802 (zipfile's name)
        return self.raw_name, self.flag_bits & ~0x800


class _GbkZipInfo(zipfile.ZipInfo):
    def _encodeFilenameFlags(self):  # noqa: N802 (zipfile's name)
        return self.filename.encode("gbk"), self.flag_bits & ~0x800


def zip_bomb(megabytes: int = 50) -> bytes:
    """A few tens of kB that expand to `megabytes` MB of zeros."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf,
        zf.open("zeros.txt", "w", force_zip64=True) as member,
    ):
        for _ in range(megabytes):
            member.write(b"\x00" * (1 << 20))
    return out.getvalue()


def lying_zip(megabytes: int = 5, claimed: int = 1024) -> bytes:
    """A zip whose headers claim its member of `megabytes` MB of zeros holds `claimed` bytes."""
    data = bytearray(zip_file({"zeros.txt": b"\x00" * (megabytes << 20)}))
    local, central = 0, data.rfind(b"PK\x01\x02")
    struct.pack_into("<I", data, local + 22, claimed)  # local header: uncompressed size
    struct.pack_into("<I", data, central + 24, claimed)  # central directory: the same
    return bytes(data)


def nested_zip(depth: int) -> bytes:
    """A zip holding a zip holding ... (depth zips in all), a PDF at the bottom."""
    data = zip_file({"发票.pdf": pdf([INVOICE])})
    for level in range(depth - 1, 0, -1):
        data = zip_file({f"第{level}层.zip": data, f"说明{level}.txt": "压缩包说明"})
    return data
