"""A new customer from the upload page (新建客户) without losing the uploads going on: in a
dialog that posts to the new-customer view and chooses the customer in the picker; without
JavaScript the new-customer page sends the user back with ?customer=<id>, which the upload
page chooses, for a customer the user may file to only."""

import json
import random
import re

import pytest
from django.test import Client

from docket.access import seeds
from docket.access import services as access_services
from docket.access.models import Permission
from docket.accounts.models import Preference
from docket.audit.models import AuditEvent
from docket.customers.models import Customer
from docket.customers.services import customer_create
from docket.demo.pdfgen import make_pdf
from docket.documents.models import DocumentType
from docket.ingest.models import IngestJob
from docket.web.views.customer_new import with_customer
from tests.access import conftest as access_conftest
from tests.conftest import user_with_role
from tests.web.conftest import shot, sign_in
from tests.web.test_accessibility import LOW_CONTRAST, UNNAMED_CONTROLS
from tests.web.test_upload_page import NO_THROTTLING, drop_files, slow_uploads

# Two sales teams (华东, 华北), each role, 上海ABC贸易有限公司 owned by 华东's wangfang and
# 北京星河科技有限公司 by 华北's liuyang (tests/access/conftest.py).
world = access_conftest.world

NEW = "/customers/new/"
SHENZHEN = "深圳新星科技有限公司"
HTMX = {"HTTP_HX_REQUEST": "true"}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


def picker_of(page: str) -> tuple[str, str]:
    """The upload defaults' picker: the chosen id and the text shown."""
    shown = re.search(r'<input type="text" id="upload-customer"[^>]*value="([^"]*)"', page)
    chosen = re.search(r'<input type="hidden" name="customer" value="([^"]*)"', page)
    assert shown and chosen, "the upload page has its customer picker"
    return chosen.group(1), shown.group(1)


def profile(**given: str) -> dict[str, str]:
    return {"name": SHENZHEN, "code": "", "kind": "enterprise", "tier": "normal"} | given


# --- ?customer=<id> on the upload page ------------------------------------------------------
@pytest.mark.django_db
def test_the_upload_page_chooses_the_customer_its_address_names(world):
    page = text(signed_in(world.sales_east).get("/upload/", {"customer": world.customer.id}))
    assert picker_of(page) == (str(world.customer.id), "上海ABC贸易有限公司")


@pytest.mark.django_db
def test_a_customer_the_user_may_not_see_is_not_chosen_nor_named(world):
    answer = signed_in(world.sales_east).get("/upload/", {"customer": world.other_customer.id})
    assert answer.status_code == 200
    assert picker_of(text(answer)) == ("", "")
    assert "北京星河科技有限公司" not in text(answer)


@pytest.mark.django_db
def test_a_customer_the_user_may_only_view_is_not_chosen_as_the_picker_offers_it_not(world):
    access_services.grant_add(
        actor=None, permission=Permission.VIEW, user=world.sales_east, customer=world.other_customer
    )
    answer = signed_in(world.sales_east).get("/upload/", {"customer": world.other_customer.id})
    assert picker_of(text(answer)) == ("", "")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "junk", ["", "abc", "0", "-3", "1.5", "1e3", "99999999999999999999", "1 OR 1=1", "none"]
)
def test_a_junk_customer_in_the_address_is_ignored(world, junk):
    if junk == "none":  # a well-formed id that no customer has
        junk = str(Customer.objects.order_by("-id").values_list("id", flat=True)[0] + 1000)
    answer = signed_in(world.sales_east).get("/upload/", {"customer": junk})
    assert answer.status_code == 200
    assert picker_of(text(answer)) == ("", "")


def test_the_way_back_carries_the_new_customer_in_place_of_any_other():
    assert with_customer("/upload/", 7) == "/upload/?customer=7"
    assert (
        with_customer("/upload/?customer=3&x=上海", 7) == "/upload/?x=%E4%B8%8A%E6%B5%B7&customer=7"
    )


@pytest.mark.django_db
def test_without_javascript_the_new_customer_page_comes_back_to_upload_with_it_chosen(world):
    client = signed_in(world.sales_east)
    answer = client.post(NEW, profile(next="/upload/"))
    customer = Customer.objects.get(name=SHENZHEN)
    assert answer.status_code == 302
    assert answer["Location"] == f"/upload/?customer={customer.id}"
    page = text(client.get(answer["Location"]))
    assert picker_of(page) == (str(customer.id), SHENZHEN)
    assert f"已添加客户 {SHENZHEN}。" in page


# --- the dialog's requests (htmx) -----------------------------------------------------------
@pytest.mark.django_db
def test_the_upload_page_has_the_dialog_only_for_those_who_may_add_customers(world):
    page = text(signed_in(world.sales_east).get("/upload/"))
    assert 'data-dialog-open="new-customer"' in page and '<dialog id="new-customer"' in page
    archivist = text(signed_in(world.archivist).get("/upload/"))
    assert "data-dialog-open" not in archivist and "<dialog" not in archivist


@pytest.mark.django_db
def test_the_dialog_gets_the_form_alone_with_ids_of_its_own(world):
    answer = signed_in(world.sales_east).get(NEW, {"next": "/upload/"}, **HTMX)
    assert answer.status_code == 200
    body = text(answer)
    assert "<html" not in body and body.lstrip().startswith("<form")
    assert 'hx-post="/customers/new/"' in body and "data-dialog-close" in body
    assert 'id="new-customer-name"' in body and 'id="id_name"' not in body


@pytest.mark.django_db
def test_a_customer_added_in_the_dialog_is_answered_with_the_events_that_choose_it(world):
    answer = signed_in(world.sales_east).post(NEW, profile(region="深圳"), **HTMX)
    customer = Customer.objects.get(name=SHENZHEN)
    assert answer.status_code == 204 and answer.content == b""
    events = json.loads(answer["HX-Trigger"])
    assert list(events) == ["close-dialog", "customer-created"]  # closed first: page inert
    assert events["customer-created"] == {
        "id": customer.id,
        "name": SHENZHEN,
        "message": f"已添加客户 {SHENZHEN}。",
    }
    assert (customer.owner, customer.region) == (world.sales_east, "深圳")
    created = AuditEvent.objects.get(customer_id=customer.id)
    assert (created.actor, created.details) == (world.sales_east, {"created": SHENZHEN})
    # no message left for the next page: the dialog said it
    assert f"已添加客户 {SHENZHEN}" not in text(signed_in(world.sales_east).get("/upload/"))


@pytest.mark.django_db
def test_a_name_taken_is_refused_on_its_field_in_the_dialog_and_nothing_is_added(world):
    before = Customer.objects.count()
    answer = signed_in(world.sales_east).post(
        NEW, profile(name="上海ABC贸易有限公司", region="上海浦东"), **HTMX
    )
    assert answer.status_code == 400 and "HX-Trigger" not in answer
    body = text(answer)
    assert body.lstrip().startswith("<form") and "<html" not in body
    assert (
        '<p class="error" id="new-customer-name-error">已有同类型的客户使用这个名称。</p>' in body
    )
    assert 'aria-invalid="true"' in body and 'value="上海浦东"' in body
    assert Customer.objects.count() == before


@pytest.mark.django_db
def test_a_name_taken_is_refused_in_english_for_an_english_user(world):
    Preference.objects.create(user=world.sales_east, language="en")
    answer = signed_in(world.sales_east).post(NEW, profile(name="上海ABC贸易有限公司"), **HTMX)
    assert "Another customer of this kind already has this name." in text(answer)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["", "   "])
def test_a_missing_name_is_refused_on_its_field_in_the_dialog(world, name):
    before = Customer.objects.count()
    answer = signed_in(world.sales_east).post(NEW, profile(name=name), **HTMX)
    assert answer.status_code == 400
    assert 'id="new-customer-name-error">该字段是必填项。</p>' in text(answer)
    assert Customer.objects.count() == before


@pytest.mark.django_db
def test_someone_who_may_not_add_customers_gets_the_refusal_in_the_dialog_audited(world):
    answer = signed_in(world.archivist).post(NEW, profile(), **HTMX)
    assert answer.status_code == 403
    body = text(answer)
    assert "<html" not in body and "您没有执行此操作的权限。" in body
    assert "data-dialog-close" in body
    assert not Customer.objects.filter(name=SHENZHEN).exists()
    assert AuditEvent.objects.filter(actor=world.archivist, outcome="denied").exists()


# --- in a real browser ----------------------------------------------------------------------
PASSWORD = "pw-王芳-12345"
CONTRACT = [
    "购销合同",
    "甲方：上海ABC贸易有限公司",
    "合同金额：¥128,000.00",
    "签订日期：2023年1月1日",
]


def long_contract() -> bytes:
    """A real PDF, long enough (about 78 KB) to be still uploading on a throttled line while
    the dialog is used: the contract, then pages of payment lines."""
    rng = random.Random(7)
    pages = [CONTRACT] + [
        [f"第{page}页 付款明细 {rng.randrange(10**12)} {rng.randrange(10**12)}" for _ in range(40)]
        for page in range(2, 40)
    ]
    return make_pdf(pages)


def wangfang_with_a_customer() -> tuple:
    """A sales user (own scope: the customers they own), 上海ABC贸易有限公司 that they own,
    and the type 合同."""
    sales = user_with_role("wangfang", seeds.SALES, password=PASSWORD)
    abc = customer_create(actor=None, name="上海ABC贸易有限公司", owner=sales, region="上海")
    contract = DocumentType.objects.get_or_create(name="合同", defaults={"code": "HT"})[0]
    return sales, abc, contract


@pytest.mark.browser
def test_a_customer_added_in_the_dialog_is_chosen_while_a_file_goes_on_uploading(page, worker):
    from playwright.sync_api import expect

    sales, abc, contract = wangfang_with_a_customer()
    sign_in(page, "wangfang", PASSWORD)
    page.goto("/upload/")
    picker = page.get_by_role("combobox", name="客户")
    picker.fill("shabc")
    page.get_by_role("option", name=re.compile("上海ABC贸易有限公司")).click()
    page.locator("#upload-type").select_option(label="合同")
    network = slow_uploads(page, bytes_per_second=4_000)  # about 20 s for the file
    drop_files(page, [("长合同.pdf", long_contract(), "application/pdf")])
    row = page.locator("#jobs > li.job", has_text="长合同.pdf")
    page.wait_for_function(
        """() => [...document.querySelectorAll("#jobs progress[value]")]
            .some((bar) => bar.value > 0 && bar.value < 100)"""
    )

    link = page.get_by_role("link", name="新建客户")
    link.click()
    dialog = page.get_by_role("dialog", name="新建客户")
    expect(dialog).to_be_visible()
    name = dialog.get_by_label("名称")
    expect(name).to_be_focused()
    assert page.evaluate(UNNAMED_CONTROLS) == [] and page.evaluate(LOW_CONTRAST) == []
    shot(page, "upload-new-customer-dialog")
    name.fill(SHENZHEN)
    dialog.get_by_label("地区").fill("深圳")
    name.press("Enter")  # the keyboard sends the form

    expect(dialog).to_be_hidden()
    expect(picker).to_have_value(SHENZHEN)
    customer = Customer.objects.get(name=SHENZHEN)
    expect(page.locator("#upload-form input[name=customer]")).to_have_value(str(customer.id))
    expect(page.locator("#upload-form [data-picker-status]")).to_have_text(
        f"已添加客户 {SHENZHEN}。"
    )
    expect(link).to_be_focused()
    assert row.get_attribute("data-state") == "uploading"  # the page never left: still going
    shot(page, "upload-new-customer-chosen")
    network.send("Network.emulateNetworkConditions", NO_THROTTLING)
    row.locator(".badge.state-done").wait_for(timeout=120_000)

    # the next file goes to the new customer
    shenzhen = ["购销合同", f"甲方：{SHENZHEN}", "合同金额：¥56,000.00", "签订日期：2023年3月1日"]
    drop_files(page, [("深圳合同.pdf", make_pdf(shenzhen), "application/pdf")])
    page.locator("#jobs > li.job", has_text="深圳合同.pdf").locator(".badge.state-done").wait_for(
        timeout=120_000
    )
    expect(page).to_have_url(re.compile(r"/upload/$"))
    jobs = {job.original_name: job for job in IngestJob.objects.select_related("document")}
    assert {name: job.state for name, job in jobs.items()} == {
        "长合同.pdf": IngestJob.State.DONE,
        "深圳合同.pdf": IngestJob.State.DONE,
    }
    assert (jobs["长合同.pdf"].document.customer, jobs["长合同.pdf"].created_by) == (abc, sales)
    assert jobs["长合同.pdf"].document.document_type == contract
    assert jobs["深圳合同.pdf"].document.customer == customer
    assert (customer.owner, customer.region, customer.status) == (sales, "深圳", "active")
    created = AuditEvent.objects.get(customer_id=customer.id, details__created=SHENZHEN)
    assert created.actor == sales


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_name_taken_is_refused_in_the_dialog_and_nothing_is_added(page):
    from playwright.sync_api import expect

    page.expected_errors.append(r"^Failed to load resource: .* status of 400")  # the refusal
    sales, abc, _ = wangfang_with_a_customer()
    sign_in(page, "wangfang", PASSWORD)
    page.goto("/upload/")
    events = AuditEvent.objects.count()  # the sign-in's included
    link = page.get_by_role("link", name="新建客户")
    link.focus()
    page.keyboard.press("Enter")  # opened from the keyboard
    dialog = page.get_by_role("dialog", name="新建客户")
    name = dialog.get_by_label("名称")
    expect(name).to_be_focused()
    name.fill("上海ABC贸易有限公司")
    dialog.get_by_label("地区").fill("上海浦东")
    dialog.get_by_role("button", name="添加客户").click()

    expect(dialog.locator("#new-customer-name-error")).to_have_text(
        "已有同类型的客户使用这个名称。"
    )
    expect(dialog.get_by_role("alert").first).to_have_text("请修改标出的字段。")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(name).to_be_focused()
    expect(dialog.get_by_label("地区")).to_have_value("上海浦东")  # the input is kept
    shot(page, "upload-new-customer-refused")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(link).to_be_focused()
    expect(page.get_by_role("combobox", name="客户")).to_have_value("")
    expect(page.locator("#upload-form input[name=customer]")).to_have_value("")
    assert list(Customer.objects.values_list("name", flat=True)) == ["上海ABC贸易有限公司"]
    assert AuditEvent.objects.count() == events
    # opened again: a fresh form, which 取消 closes
    link.click()
    expect(dialog.get_by_label("名称")).to_have_value("")
    dialog.get_by_role("button", name="取消").click()
    expect(dialog).to_be_hidden()
    expect(link).to_be_focused()
    assert Customer.objects.count() == 1
