"""In a real browser: sign in, the dashboard, the language switch, a search with its
highlight."""

import io
import re

import pytest

from docket.accounts.models import Preference
from docket.documents.models import DocumentType
from docket.documents.services import document_upload
from tests.conftest import user_with_role
from tests.web.conftest import shot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def sales(transactional_db):
    return user_with_role("wangfang", role="sales", password="pw-王芳-12345")


def test_sign_in_shows_the_dashboard_in_chinese(page, sales):
    page.goto("/")
    page.wait_for_url("**/login/?next=/")
    shot(page, "login")
    sign_in(page, "wangfang", "pw-王芳-12345")
    assert page.get_by_role("heading", name="工作台").is_visible()
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    shot(page, "dashboard")


def test_a_wrong_password_is_refused_with_a_message(page, sales):
    page.goto("/login/")
    page.get_by_label("用户名").fill("wangfang")
    page.get_by_label("密码").fill("wrong-password-1")
    page.get_by_role("button", name="登录").click()
    assert page.get_by_role("alert").inner_text() == "用户名或密码错误。"


def test_switching_to_english_is_kept_for_the_user(
    page, browser, live_server, sales, customer_of, contract_type, contract_pdf
):
    from playwright.sync_api import expect

    document_upload(
        actor=sales,
        file=io.BytesIO(contract_pdf),
        filename="购销合同.pdf",
        customer=customer_of(sales),
        document_type=contract_type,
    )
    sign_in(page, "wangfang", "pw-王芳-12345")
    page.get_by_label("语言").select_option("en")
    page.get_by_role("heading", name="Dashboard").wait_for()
    shot(page, "dashboard-en")
    assert Preference.objects.get(user=sales).language == "en"
    # Docket's own document types read in English too; the stored name stays 合同.
    page.goto("/documents/")
    page.get_by_text("Filters", exact=True).click()
    type_filter = page.get_by_label("Type", exact=True)
    options = type_filter.locator("option").all_inner_texts()
    assert "Contract" in options and not [o for o in options if re.search(r"[\u4e00-\u9fff]", o)]
    type_filter.select_option(label="Contract")
    page.wait_for_url(f"**type={contract_type.pk}**")
    expect(page.locator(".hit .meta span").nth(1)).to_have_text("Contract")
    expect(page.locator(".facets a.on")).to_contain_text("Contract")
    shot(page, "documents-en-type-filter")
    assert DocumentType.objects.get(pk=contract_type.pk).name == "合同"
    # Another browser, same user: English follows them.
    other = browser.new_context(base_url=live_server.url)
    tab = other.new_page()
    sign_in_en = tab.goto("/login/")
    assert sign_in_en.ok
    tab.get_by_label("用户名").fill("wangfang")
    tab.get_by_label("密码").fill("pw-王芳-12345")
    tab.get_by_role("button", name="登录").click()
    tab.get_by_role("heading", name="Dashboard").wait_for()
    other.close()


def test_search_finds_a_chinese_phrase_and_marks_it(
    page, sales, customer_of, contract_type, contract_pdf, worker
):
    customer = customer_of(sales)
    document_upload(
        actor=sales,
        file=io.BytesIO(contract_pdf),
        filename="购销合同.pdf",
        customer=customer,
        document_type=contract_type,
    )
    sign_in(page, "wangfang", "pw-王芳-12345")
    page.goto("/documents/")
    page.get_by_label("搜索", exact=True).fill("合同金额")
    page.get_by_role("button", name="搜索").click()
    marked = page.locator(".hit .snippet mark").first
    marked.wait_for()
    assert page.locator(".hit").count() == 1
    assert marked.inner_text() == "合同金额"
    assert page.locator(".result-count").inner_text() == "1 份文档"
    shot(page, "documents-search")
