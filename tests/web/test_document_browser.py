"""The document page in a real browser: a PDF in Chromium's own viewer inside the page, an
image inline, editing in place, a new version compared side by side, a check-out seen by
someone else, and the page in English."""

import io
import time
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AbstractBaseUser
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from docket.access import seeds
from docket.access.models import Team
from docket.audit.models import AuditEvent
from docket.audit.services import audit_record
from docket.demo.pdfgen import make_pdf
from docket.documents.models import Document, Version
from docket.documents.services import document_upload
from tests.conftest import user_with_role
from tests.web.conftest import shot, sign_in

pytestmark = pytest.mark.browser

PASSWORD = "pw-档案-2023-ok"
REVISED = ["购销合同", "甲方：上海ABC贸易有限公司", "乙方：北京星河科技有限公司"]
REVISED += ["合同金额：¥150,000.00", "签订日期：2023年1月1日"]


@dataclass
class People:
    owner: AbstractBaseUser  # sales: may view and download
    manager: AbstractBaseUser  # the owner's team's manager: may do everything


@pytest.fixture
def people(transactional_db) -> People:
    seeds.ensure_roles()
    east = Team.objects.create(name="华东销售组")
    return People(
        owner=user_with_role("wangfang", seeds.SALES, password=PASSWORD, team=east),
        manager=user_with_role("chenjing", seeds.MANAGER, password=PASSWORD, team=east),
    )


def upload(people, customer_of, contract_type, data: bytes, name: str) -> Document:
    return document_upload(
        actor=people.owner,
        file=io.BytesIO(data),
        filename=name,
        customer=customer_of(people.owner),
        document_type=contract_type,
        title="购销合同",
    )


def wait_for_texts(document: Document, timeout: float = 60) -> None:
    """Until the worker has read the text of every version."""
    deadline = time.monotonic() + timeout
    while Version.objects.filter(document=document, text_state="pending").exists():
        assert time.monotonic() < deadline, "the text was not extracted in time"
        time.sleep(0.2)


def wait_for_pdf_viewer(page) -> None:
    # A full-page screenshot resizes the window and the viewer would redraw half-way: make
    # the window as tall as the page first (the frame's height follows it, up to a limit).
    for _ in range(2):
        height = page.evaluate("document.documentElement.scrollHeight")
        page.set_viewport_size({"width": 1280, "height": height})
    deadline = time.monotonic() + 15
    while not any(frame.url.startswith("chrome-extension://") for frame in page.frames):
        assert time.monotonic() < deadline, "the PDF viewer did not open in the frame"
        page.wait_for_timeout(100)
    page.wait_for_timeout(1500)  # the viewer draws the page after it opens (for the screenshot)


def test_a_pdf_opens_in_the_browsers_viewer_framed_by_the_page(
    page, people, customer_of, contract_type, contract_pdf, worker
):
    document = upload(people, customer_of, contract_type, contract_pdf, "购销合同.pdf")
    wait_for_texts(document)
    sign_in(page, "chenjing", PASSWORD)
    with page.expect_response(lambda r: r.url.endswith("/preview/")) as preview:
        page.goto(f"/documents/{document.id}/")
    assert preview.value.status == 200
    assert "frame-ancestors 'self'" in preview.value.headers["content-security-policy"]
    wait_for_pdf_viewer(page)  # a refused frame would be a console error, failing the test
    page.get_by_text("文档文本").click()
    assert "合同金额" in page.locator(".text-extract pre").inner_text()
    shot(page, "document-page")


def test_an_image_is_shown_inline(page, people, customer_of, contract_type, worker):
    scan = Image.new("RGB", (600, 400), "white")
    ImageDraw.Draw(scan).rectangle((40, 40, 560, 360), outline="black", width=6)
    data = io.BytesIO()
    scan.save(data, "PNG")
    document = upload(people, customer_of, contract_type, data.getvalue(), "营业执照.png")
    sign_in(page, "wangfang", PASSWORD)
    page.goto(f"/documents/{document.id}/")
    image = page.get_by_role("img", name="购销合同 的扫描件")
    image.wait_for()
    page.wait_for_function("document.querySelector('.preview-image').complete")
    assert image.evaluate("img => img.naturalWidth") == 600


def test_the_details_are_edited_in_place(
    page, people, customer_of, contract_type, contract_pdf, worker
):
    document = upload(people, customer_of, contract_type, contract_pdf, "购销合同.pdf")
    sign_in(page, "chenjing", PASSWORD)
    page.goto(f"/documents/{document.id}/")
    page.get_by_role("link", name="编辑信息").click()
    title = page.get_by_label("标题")
    title.wait_for()  # swapped in by htmx
    title.fill("购销合同（2023年修订）")
    page.get_by_label("备注", exact=True).fill("客户要求加急处理")
    page.get_by_role("button", name="保存").click()
    page.get_by_role("heading", name="购销合同（2023年修订）").wait_for()
    assert page.get_by_text("详细信息已保存。").is_visible()
    assert page.get_by_text("客户要求加急处理").is_visible()


def test_a_new_version_is_compared_side_by_side_in_chinese(
    page, people, customer_of, contract_type, contract_pdf, worker
):
    document = upload(people, customer_of, contract_type, contract_pdf, "购销合同.pdf")
    sign_in(page, "chenjing", PASSWORD)
    page.goto(f"/documents/{document.id}/")
    page.get_by_label("文件", exact=True).set_input_files(
        files=[
            {
                "name": "购销合同_修订.pdf",
                "mimeType": "application/pdf",
                "buffer": make_pdf(REVISED),
            }
        ]
    )
    picker = page.locator("[data-file-picker]")
    expect(picker.locator("label")).to_have_text("选择文件")  # not the browser's "Choose File"
    expect(picker.locator("[data-file-name]")).to_have_text("购销合同_修订.pdf")
    page.get_by_label("说明").fill("金额调整为15万元")
    page.get_by_role("button", name="上传版本").click()
    page.get_by_text("版本 2 已上传").wait_for()
    wait_for_texts(document)
    page.get_by_role("button", name="并排对比").click()
    page.get_by_role("heading", name="版本对比").wait_for()
    assert page.locator(".diff del").first.inner_text() == "¥128,000.00"
    assert page.locator(".diff ins").first.inner_text() == "¥150,000.00"
    assert page.locator("td.line.added", has_text="乙方").count() == 1
    shot(page, "document-compare")


def test_a_check_out_is_seen_by_someone_else(
    page, browser, live_server, people, customer_of, contract_type, contract_pdf, worker
):
    document = upload(people, customer_of, contract_type, contract_pdf, "购销合同.pdf")
    sign_in(page, "chenjing", PASSWORD)
    page.goto(f"/documents/{document.id}/")
    page.get_by_label("检出备注").fill("修改付款条款")
    page.get_by_role("button", name="检出", exact=True).click()
    page.get_by_text("您已检出此文档").wait_for()
    assert page.get_by_role("button", name="检入").is_visible()

    tablet = {"width": 820, "height": 1180}
    other = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=tablet)
    tab = other.new_page()
    sign_in(tab, "wangfang", PASSWORD)
    tab.goto(f"/documents/{document.id}/")
    banner = tab.locator(".lock-banner")
    assert "chenjing 已检出此文档" in banner.inner_text()
    assert tab.get_by_text("修改付款条款").is_visible()
    shot(tab, "document-page-tablet")
    other.close()


def test_older_events_are_added_below_the_history(
    page, people, customer_of, contract_type, contract_pdf, worker
):
    document = upload(people, customer_of, contract_type, contract_pdf, "购销合同.pdf")
    for _ in range(30):
        audit_record(
            action=AuditEvent.Action.EDIT,
            actor=people.owner,
            document_id=document.id,
            details={"fields": ["title"]},
        )
    sign_in(page, "chenjing", PASSWORD)
    page.goto(f"/documents/{document.id}/")
    rows = page.locator("#history tbody tr:not(.history-filter)")
    assert rows.count() == 21  # 20 events and "older events"
    page.get_by_role("link", name="更早的记录").click()
    page.locator("#history tbody tr", has_text="上传").wait_for()
    # the upload and 30 edits, each once (this view and the preview are reads: not shown)
    assert rows.count() == 31
    assert page.get_by_role("link", name="更早的记录").count() == 0


def test_the_page_in_english(page, people, customer_of, contract_type, contract_pdf, worker):
    document = upload(people, customer_of, contract_type, contract_pdf, "购销合同.pdf")
    wait_for_texts(document)
    sign_in(page, "chenjing", PASSWORD)
    page.goto(f"/documents/{document.id}/")
    page.get_by_label("语言").select_option("en")
    page.get_by_role("heading", name="Details").wait_for()
    assert page.get_by_role("heading", name="Versions").is_visible()
    wait_for_pdf_viewer(page)
    shot(page, "document-page-en")
