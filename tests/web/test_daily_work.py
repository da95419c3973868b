"""The issue's walk through a working day, in one real browser session after another: sign
in, upload a scanned Chinese contract and watch it processed, find it by a Chinese phrase
with the phrase marked, open it, upload a new version and compare, a salesperson of another
team refused the same document, and the language switched."""

import io
import re

import pytest

from docket.access import seeds
from docket.access.models import Team
from docket.demo.pdfgen import make_pdf
from docket.documents.models import Document, DocumentType, Version
from docket.ingest.scanner import render_page
from tests.conftest import user_with_role
from tests.web.conftest import shot, sign_in

pytestmark = pytest.mark.browser

SCAN = ["购销合同", "甲方：上海ABC贸易有限公司", "合同金额：¥128,000.00", "签订日期：2023年1月1日"]
REVISED = [line.replace("128,000", "150,000") for line in SCAN]
PASSWORD = "pw-每日工作-2023"


def scanned_page() -> bytes:
    image, _ = render_page(dpi=200, lines=SCAN, traditional=False, english=False)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def company(transactional_db, customer_of):
    seeds.ensure_roles()
    sales_department = Team.objects.create(name="销售部")
    east = Team.objects.create(name="华东", parent=sales_department)
    north = Team.objects.create(name="华北", parent=sales_department)
    sales = user_with_role("wangfang", seeds.SALES, password=PASSWORD, team=east)
    user_with_role("chenjing", seeds.MANAGER, password=PASSWORD, team=east)
    user_with_role("zhaolei", seeds.SALES, password=PASSWORD, team=north)
    DocumentType.objects.get_or_create(name="合同", defaults={"code": "HT"})
    return customer_of(sales)


def switch_user(page, username: str) -> None:
    page.get_by_role("button", name=re.compile("退出登录|Sign out")).click()
    page.wait_for_url("**/login/")
    sign_in(page, username, PASSWORD)


def test_a_working_day_in_the_browser(page, company, worker):
    # A salesperson files a scan of a signed contract.
    sign_in(page, "wangfang", PASSWORD)
    page.goto("/upload/")
    page.get_by_role("combobox", name="客户").fill("shabc")  # the picker: pinyin initials
    page.get_by_role("option", name=re.compile("上海ABC贸易有限公司")).click()
    page.get_by_label("类型").select_option(label="合同")
    page.get_by_label("选择文件").set_input_files(
        [{"name": "扫描合同.png", "mimeType": "image/png", "buffer": scanned_page()}]
    )
    row = page.locator("#jobs > li.job", has_text="扫描合同.png")
    row.locator(".badge.state-done").wait_for(timeout=120_000)  # OCR, classification, filing
    shot(page, "day-1-upload-done")
    document = Document.objects.get()
    assert "合同金额" in document.versions.get().text  # read by the OCR engine

    # Her manager finds it by a phrase from the scan and sees it marked.
    switch_user(page, "chenjing")
    page.get_by_label("搜索文档").fill("合同金额")
    page.get_by_label("搜索文档").press("Enter")
    page.locator(".hit .snippet mark", has_text="合同金额").first.wait_for()
    shot(page, "day-2-search")

    # He opens it, uploads a revised version and compares the two side by side.
    page.locator(".hit h3 a").first.click()
    page.wait_for_url(f"**/documents/{document.id}/")
    page.get_by_label("文件", exact=True).set_input_files(
        [{"name": "购销合同_修订.pdf", "mimeType": "application/pdf", "buffer": make_pdf(REVISED)}]
    )
    page.get_by_label("说明").fill("金额调整为15万元")
    page.get_by_role("button", name="上传版本").click()
    page.get_by_text("版本 2 已上传").wait_for()
    wait_until_text_of(document, version=2)
    page.get_by_role("button", name="并排对比").click()
    page.get_by_role("heading", name="版本对比").wait_for()
    assert page.locator(".diff del").first.inner_text() == "¥128,000.00"
    assert page.locator(".diff ins").first.inner_text() == "¥150,000.00"
    shot(page, "day-3-compare")

    # A salesperson of another team is refused the same document, and it is recorded.
    switch_user(page, "zhaolei")
    page.expected_errors.append(r"^Failed to load resource: .* status of 404")
    answer = page.goto(f"/documents/{document.id}/")
    assert answer.status == 404
    assert page.get_by_role("heading", name="找不到文档").is_visible()
    assert "上海ABC" not in page.content()
    shot(page, "day-4-refused")

    # She prefers English.
    page.get_by_label("语言").select_option("en")
    page.get_by_role("heading", name="Document not found").wait_for()
    page.goto("/")
    page.get_by_role("heading", name="Dashboard").wait_for()
    shot(page, "day-5-english")


def wait_until_text_of(document: Document, version: int) -> None:
    import time

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        state = Version.objects.get(document=document, number=version).text_state
        if state == Version.TextState.DONE:
            return
        time.sleep(0.2)
    raise AssertionError(f"version {version}'s text was not extracted")
