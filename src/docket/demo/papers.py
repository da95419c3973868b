"""What each demo document looks like: one renderer per seeded document type, returning the
title, the file of every version (bytes and name) and the amount it is about, if any.

Formats: contracts, invoices and authorisations are born-digital PDFs; quotations are CSV or
PDF; meeting minutes UTF-8 text; service requests text or PDF; delivery receipts and business
licences PNG "scans" (PDF when Pillow is missing). Renderers draw only from the `rng` they are
given, so the bytes depend on the seed alone."""

import csv
import datetime
import io
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from docket.demo import phrases as p
from docket.demo.pdfgen import make_pdf

__all__ = ["RENDERERS", "CustomerSpec", "FileSpec", "Paper", "cn_date"]


@dataclass(frozen=True)
class FileSpec:
    filename: str
    data: bytes
    comment: str = ""


@dataclass
class CustomerSpec:
    name: str
    short: str  # 上海华信, or the person's name
    kind: str
    tier: str
    business: int  # index into phrases.BUSINESSES
    fields: dict[str, str]
    contacts: list[dict[str, str]] = field(default_factory=list)


class Paper(NamedTuple):
    title: str
    files: list[FileSpec]  # version 1 first
    amount: Decimal | None = None


Renderer = Callable[[random.Random, CustomerSpec, datetime.date, bool], Paper]
Item = tuple[str, str, str, int, int]  # product, spec, unit, unit price, quantity


def cn_date(date: datetime.date) -> str:
    """2023年1月1日"""
    return f"{date.year}年{date.month}月{date.day}日"


def _items(rng: random.Random, c: CustomerSpec) -> list[Item]:
    products = p.BUSINESSES[c.business][3]
    chosen = rng.sample(products, rng.randint(1, len(products)))
    return [(*product, rng.choice([2, 5, 10, 20, 50])) for product in chosen]


def _total(items: list[Item]) -> Decimal:
    return Decimal(sum(price * qty for *_, price, qty in items))


def _item_lines(items: list[Item]) -> list[str]:
    return [f"{n} {s}  {q}{u} × {p.yuan(pr)} = {p.yuan(pr * q)}" for n, s, u, pr, q in items]


CONTRACT_STAGES = [  # (file name suffix, payment terms, version comment)
    ("初稿", "预付30%，验收合格后30日内支付70%。", "初稿"),
    ("修订稿", "预付20%，到货后支付70%，质保金10%一年后付清。", "修订：调整付款方式，优惠5%"),
    ("盖章版", "预付20%，到货后支付70%，质保金10%一年后付清。", "双方盖章版"),
]


def contract(rng: random.Random, c: CustomerSpec, date: datetime.date, first: bool) -> Paper:
    """A contract; the first of a demo, and some others, revised into 2–3 versions."""
    title = {"科技": "技术服务合同", "物流": "物流运输合同"}.get(
        p.BUSINESSES[c.business][0], "购销合同"
    )
    items, number = _items(rng, c), f"QM-HT-{date:%Y%m}-{rng.randrange(1000):03d}"
    amount = _total(items)
    files = []
    for n, (stage, payment, comment) in enumerate(
        CONTRACT_STAGES[: 3 if first else rng.choice([1, 1, 1, 2, 3])]
    ):
        total = amount if n == 0 else (amount * Decimal("0.95")).quantize(Decimal(1))
        page1 = [title, f"合同编号：{number}", f"甲方（买方）：{c.name}"]
        page1 += [f"乙方（卖方）：{p.OWN_COMPANY}", "一、标的及金额", *_item_lines(items)]
        page1 += [f"合同总金额：{p.yuan(total)}", f"（大写：{p.rmb_upper(total)}）"]
        page1 += [f"二、付款方式：{payment}", "三、交付：乙方于合同签订后15个工作日内交付。"]
        page1 += ["四、违约责任：逾期交付的，按日万分之五支付违约金。"]
        page2 = ["五、争议解决：协商不成的，提交乙方所在地人民法院诉讼解决。"]
        page2 += [f"签订日期：{cn_date(date)}", "甲方（盖章）：", "乙方（盖章）："]
        page2 += ["（本合同已经双方盖章生效）"] if stage == "盖章版" else []
        pdf = make_pdf([page1, page2], title=title)
        files.append(FileSpec(f"{title}-{c.short}-{stage}.pdf", pdf, comment))
    return Paper(f"{c.short}{title}", files, amount)


def quotation(rng: random.Random, c: CustomerSpec, date: datetime.date, first: bool) -> Paper:
    items = _items(rng, c)
    amount, name = _total(items), f"报价单_{c.short}_{date:%Y%m%d}"
    if first or rng.random() < 0.5:  # as exported from a spreadsheet: CSV with a BOM
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(
            ["序号", "产品名称", "规格型号", "数量", "单位", "单价（元）", "金额（元）"]
        )
        for n, (product, spec, unit, price, qty) in enumerate(items, 1):
            writer.writerow([n, product, spec, qty, unit, f"{price:.2f}", f"{price * qty:.2f}"])
        writer.writerow(["合计", "", "", "", "", "", f"{amount:.2f}"])
        file = FileSpec(f"{name}.csv", out.getvalue().encode("utf-8-sig"))
    else:
        lines = ["报价单", f"致：{c.name}", f"报价日期：{cn_date(date)}", *_item_lines(items)]
        lines += [f"合计：{p.yuan(amount)}", "报价有效期：30天", f"报价单位：{p.OWN_COMPANY}"]
        file = FileSpec(f"{name}.pdf", make_pdf(lines, title="报价单"))
    return Paper(f"{c.short}报价单{date:%Y%m%d}", [file], amount)


def invoice(rng: random.Random, c: CustomerSpec, date: datetime.date, first: bool) -> Paper:
    items = _items(rng, c)
    net = _total(items)
    tax = (net * Decimal("0.13")).quantize(Decimal("0.01"))
    lines = ["增值税电子普通发票", f"发票号码：{rng.randrange(10**8):08d}"]
    lines += [f"开票日期：{cn_date(date)}", f"购买方：{c.name}", f"销售方：{p.OWN_COMPANY}"]
    lines += [*_item_lines(items), f"合计金额：{p.yuan(net)}", f"税额（13%）：{p.yuan(tax)}"]
    lines += [
        f"价税合计（大写）：{p.rmb_upper(net + tax)}",
        f"价税合计（小写）：{p.yuan(net + tax)}",
    ]
    file = FileSpec(f"发票_{c.short}_{date:%Y%m%d}.pdf", make_pdf(lines, title="发票"))
    return Paper(f"{c.short}发票{date:%Y%m}", [file], net + tax)


def minutes(rng: random.Random, c: CustomerSpec, date: datetime.date, first: bool) -> Paper:
    people = "、".join(x["name"] for x in c.contacts)
    lines = [f"{c.short}项目沟通会议纪要", f"时间：{cn_date(date)} 14:00", "地点：客户会议室"]
    lines += [
        f"参会人员：{people}、{rng.choice(p.OWN_STAFF)}",
        "一、双方确认了交付计划与验收标准。",
    ]
    lines += [
        f"二、{c.contacts[0]['name']}提出增加一次培训，我方同意。",
        "三、两周后召开下次会议。",
    ]
    file = FileSpec(f"会议纪要{date:%Y%m%d}.txt", "\n".join(lines).encode())
    return Paper(f"{c.short}会议纪要{date:%Y%m%d}", [file])


def service_request(rng: random.Random, c: CustomerSpec, date: datetime.date, first: bool) -> Paper:
    service = rng.choice(["设备维修", "系统升级", "上门培训", "数据迁移"])
    lines = ["服务申请单", f"申请单位：{c.name}", f"联系人：{c.contacts[0]['name']}"]
    lines += [f"联系电话：{c.contacts[0]['phone']}", f"服务类型：{service}"]
    lines += ["问题描述：设备运行时偶发报警，需派工程师现场检查。", f"申请日期：{cn_date(date)}"]
    if not first and rng.random() < 0.4:
        file = FileSpec(f"服务申请单-{service}.txt", "\n".join(lines).encode())
    else:
        file = FileSpec(f"服务申请单_{c.short}.pdf", make_pdf(lines, title="服务申请单"))
    return Paper(f"{c.short}{service}申请", [file])


def authorization(rng: random.Random, c: CustomerSpec, date: datetime.date, first: bool) -> Paper:
    until = date + datetime.timedelta(days=365)
    lines = ["授权委托书", f"委托人：{c.name}", f"受托人：{c.contacts[-1]['name']}"]
    lines += [
        "委托事项：代为办理合同签订及货物验收。",
        f"委托期限：{cn_date(date)}至{cn_date(until)}",
    ]
    lines += [f"委托人（盖章）：{c.name}", f"日期：{cn_date(date)}"]
    file = FileSpec(f"授权委托书_{c.short}.pdf", make_pdf(lines, title="授权委托书"))
    return Paper(f"{c.short}授权委托书", [file])


def scan(kind: str, heading: str) -> Renderer:
    """A paper form that was scanned: a PNG (Pillow's own font has no Chinese, hence heading)."""

    def render(rng: random.Random, c: CustomerSpec, date: datetime.date, first: bool) -> Paper:
        png = _scan_png(rng, f"{heading}  {date:%Y-%m-%d}")
        if png is None:
            file = FileSpec(f"{kind}_{c.short}.pdf", make_pdf([kind, c.name, cn_date(date)]))
        else:
            file = FileSpec(f"{kind}扫描件_{c.short}.png", png)
        return Paper(f"{c.short}{kind}", [file])

    return render


def _scan_png(rng: random.Random, heading: str) -> bytes | None:
    """Grey paper, slightly askew, lines of text as strokes, a red stamp; None without Pillow."""
    try:
        from PIL import Image, ImageDraw, ImageFont
    except ImportError:
        return None
    page = Image.new("RGB", (620, 877), (238, 236, 230))
    draw = ImageDraw.Draw(page)
    draw.rectangle((30, 30, 590, 847), outline=(90, 90, 90), width=3)
    draw.text((60, 50), heading, fill=(40, 40, 40), font=ImageFont.load_default(22))
    for y in range(120, 660, 30):
        draw.rectangle((60, y, 60 + rng.randrange(200, 500), y + 10), fill=(70, 70, 70))
    draw.ellipse((400, 680, 540, 820), outline=(200, 30, 30), width=6)
    page = page.rotate(rng.uniform(-1.5, 1.5), fillcolor=(250, 250, 250))
    out = io.BytesIO()
    page.save(out, format="PNG", optimize=True)
    return out.getvalue()


RENDERERS: dict[str, Renderer] = {
    "合同": contract,
    "报价单": quotation,
    "发票": invoice,
    "签收单": scan("签收单", "DELIVERY RECEIPT"),
    "营业执照": scan("营业执照", "BUSINESS LICENSE"),
    "授权委托书": authorization,
    "会议纪要": minutes,
    "服务申请单": service_request,
}
