"""The customer picker: what it offers as the user types (only customers they may see, or
file to; at most 20, in one query), how a form resolves a typed name without the script, the
pages that no longer list every customer, and picking 上海ABC贸易有限公司 by typing `shabc` in
a real browser."""

import io
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from playwright.sync_api import expect

from docket.access import seeds
from docket.access import services as access_services
from docket.access.models import Permission, Team
from docket.customers.models import Customer
from docket.customers.services import customer_create, customer_merge
from docket.demo.pdfgen import make_pdf
from docket.documents.models import Document, DocumentType
from docket.documents.services import document_upload
from docket.ingest.models import IngestJob
from tests.conftest import user_with_role
from tests.web.conftest import shot, sign_in

PASSWORD = "pw-王芳-12345"


@pytest.fixture
def office(db):
    """wangfang (sales, 华东) owns 上海ABC and 北京XYZ; liuyang (sales, 华北) owns 天津恒通."""
    seeds.ensure_roles()
    east, north = Team.objects.create(name="华东销售组"), Team.objects.create(name="华北销售组")
    sales = user_with_role("wangfang", seeds.SALES, password=PASSWORD, team=east)
    other = user_with_role("liuyang", seeds.SALES, password=PASSWORD, team=north)
    return {
        "sales": sales,
        "other": other,
        "abc": customer_create(actor=None, name="上海ABC贸易有限公司", code="SH-ABC", owner=sales),
        "xyz": customer_create(actor=None, name="北京XYZ科技有限公司", owner=sales),
        "north": customer_create(actor=None, name="天津恒通物流有限公司", owner=other),
        "contract": DocumentType.objects.get_or_create(name="合同", defaults={"code": "HT"})[0],
    }


def manager_of(office):
    """The sales team's manager: may edit its documents (sales may not)."""
    return user_with_role("chenjing", seeds.MANAGER, team=office["sales"].member.team)


def contract_of(owner, customer: Customer) -> Document:
    """A contract filed for the customer by its owner."""
    return document_upload(
        actor=owner,
        file=io.BytesIO(make_pdf(["购销合同"])),
        filename="合同.pdf",
        customer=customer,
        document_type=DocumentType.objects.get_or_create(name="合同", defaults={"code": "HT"})[0],
    )


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def offered(client: Client, text: str, scope: str = "upload") -> list[str]:
    response = client.get("/customers/picker/", {"q": text, "scope": scope})
    assert response.status_code == 200
    return re.findall(r'data-label="([^"]+)"', response.content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["shabc", "shanghai abc", "上海ABC", "ABC贸易", "sh-abc"])
def test_the_picker_finds_a_customer_by_name_code_pinyin_or_initials(office, text):
    assert offered(signed_in(office["sales"]), text) == ["上海ABC贸易有限公司"]


@pytest.mark.django_db
def test_the_options_are_a_labelled_listbox_the_script_can_choose_from(office):
    body = signed_in(office["sales"]).get("/customers/picker/?q=有限公司").content.decode()
    assert body.count('role="option"') == 2
    assert f'data-id="{office["abc"].id}" data-label="上海ABC贸易有限公司"' in body
    assert "<html" not in body
    nothing = signed_in(office["sales"]).get("/customers/picker/?q=不存在的客户").content.decode()
    assert 'aria-disabled="true"' in nothing and "没有匹配的客户" in nothing


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["天津恒通物流有限公司", "tjht", "恒通", ""])
def test_another_teams_customer_never_appears_in_the_picker(office, text):
    client = signed_in(office["sales"])
    for scope in ("upload", "view"):
        assert "天津恒通物流有限公司" not in offered(client, text, scope)


@pytest.mark.django_db
def test_a_customer_the_user_may_only_view_is_offered_to_find_but_not_to_file_to(office):
    access_services.grant_add(
        actor=None, permission=Permission.VIEW, user=office["sales"], customer=office["north"]
    )
    client = signed_in(office["sales"])
    assert offered(client, "恒通", scope="view") == ["天津恒通物流有限公司"]
    assert offered(client, "恒通", scope="upload") == []


@pytest.mark.django_db
def test_a_merged_customer_is_not_offered(office):
    customer_merge(actor=None, source=office["xyz"], target=office["abc"])
    assert offered(signed_in(office["sales"]), "北京XYZ") == []


def queries_for(client: Client, path: str) -> tuple[int, str]:
    client.get(path)  # the first request of a session also writes the session
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def many_customers(owner, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        customer_create(actor=None, name=f"上海分销{n:03d}贸易有限公司", owner=owner)


@pytest.mark.django_db
def test_the_picker_offers_at_most_20_in_the_same_queries_for_5_or_60_customers(office):
    client = signed_in(office["sales"])
    many_customers(office["sales"], 5)
    few, body = queries_for(client, "/customers/picker/?q=shfx&scope=upload")
    assert body.count('role="option"') == 5
    many_customers(office["sales"], 55, start=5)
    many, body = queries_for(client, "/customers/picker/?q=shfx&scope=upload")
    assert many == few
    assert body.count('role="option"') == 20
    assert "上海分销000贸易有限公司" in body and "上海分销020贸易有限公司" not in body  # by name


@pytest.mark.django_db
def test_the_upload_page_and_the_details_form_no_longer_list_every_customer(office):
    client = signed_in(office["sales"])
    editor = signed_in(manager_of(office))
    document = contract_of(office["sales"], office["abc"])
    edit = f"/documents/{document.id}/edit/"
    upload_few, _ = queries_for(client, "/upload/")
    edit_few, _ = queries_for(editor, edit)
    many_customers(office["sales"], 80)
    upload_many, upload_page = queries_for(client, "/upload/")
    edit_many, edit_form = queries_for(editor, edit)
    assert (upload_many, edit_many) == (upload_few, edit_few)
    for page in (upload_page, edit_form):
        assert "上海分销" not in page and "北京XYZ科技有限公司" not in page
        assert 'role="combobox"' in page
    assert 'value="上海ABC贸易有限公司"' in edit_form  # where the document is, to start with


@pytest.mark.django_db
def test_without_script_a_typed_name_files_the_upload_to_the_one_customer_it_means(office):
    client = signed_in(office["sales"])
    data = {"files": io.BytesIO(make_pdf(["购销合同"])), "customer": "", "customer_text": "shabc"}
    data["files"].name = "合同.pdf"
    assert client.post("/upload/files/", data).status_code == 302
    assert IngestJob.objects.get().customer == office["abc"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("有限公司", ["有多个客户与“有限公司”匹配：", "上海ABC贸易有限公司", "北京XYZ科技"]),
        ("天津恒通物流有限公司", ["没有与“天津恒通物流有限公司”匹配、您可以选择的客户"]),
    ],
)
def test_a_typed_name_that_means_several_or_none_is_refused_and_says_so(office, text, said):
    client = signed_in(office["sales"])
    data = {"files": io.BytesIO(make_pdf(["购销合同"])), "customer_text": text}
    data["files"].name = "合同.pdf"
    answer = client.post("/upload/files/", data, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert answer.status_code == 400
    assert all(words in answer.content.decode() for words in said)
    assert not IngestJob.objects.exists()


@pytest.mark.django_db
def test_without_script_the_details_form_moves_the_document_to_the_customer_typed(office):
    manager = manager_of(office)
    document = contract_of(office["sales"], office["abc"])
    data = {
        "title": document.title,
        "customer": office["abc"].id,  # the hidden id, as the page gave it
        "customer_text": "bjxyz",  # typed over without the script
        "document_type": office["contract"].id,
        "status": "active",
    }
    answer = signed_in(manager).post(f"/documents/{document.id}/edit/", data)
    assert answer.status_code == 302
    document.refresh_from_db()
    assert document.customer == office["xyz"]


@pytest.mark.django_db
def test_the_documents_list_shows_the_customer_it_is_filtered_by_only_if_visible(office):
    client = signed_in(office["sales"])
    page = client.get("/documents/", {"customer": office["abc"].id}).content.decode()
    assert 'id="f-customer"' in page and 'value="上海ABC贸易有限公司"' in page
    page = client.get("/documents/", {"customer": office["north"].id}).content.decode()
    assert "天津恒通物流有限公司" not in page


@pytest.mark.django_db
def test_without_script_a_typed_name_filters_the_documents_list_by_the_customer_it_means(office):
    contract_of(office["sales"], office["abc"])
    contract_of(office["sales"], office["xyz"])
    client = signed_in(office["sales"])
    answer = client.get("/documents/", {"customer": "", "customer_text": "shabc"})
    page = answer.content.decode()
    assert answer.status_code == 200
    assert "1 份文档" in page
    assert f'name="customer" value="{office["abc"].id}"' in page
    assert 'value="上海ABC贸易有限公司"' in page  # the text box now names it in full


@pytest.mark.django_db
def test_emptying_the_typed_name_without_script_clears_the_customer_filter(office):
    contract_of(office["sales"], office["abc"])
    contract_of(office["sales"], office["xyz"])
    client = signed_in(office["sales"])
    answer = client.get("/documents/", {"customer": office["abc"].id, "customer_text": ""})
    assert "2 份文档" in answer.content.decode()
    named = {"customer": office["abc"].id, "customer_text": "上海ABC贸易有限公司"}
    kept = client.get("/documents/", named)
    assert "1 份文档" in kept.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("有限公司", ["有多个客户与“有限公司”匹配：", "上海ABC贸易有限公司", "北京XYZ科技"]),
        ("天津恒通", ["没有与“天津恒通”匹配、您可以选择的客户"]),  # another team's: not named
    ],
)
def test_a_list_filter_by_a_name_that_means_several_or_none_says_so(office, text, said):
    answer = signed_in(office["sales"]).get("/documents/", {"customer_text": text})
    page = answer.content.decode()
    assert answer.status_code == 400
    assert all(words in page for words in said)
    assert f'value="{text}"' in page  # kept in the box, to be corrected


# --- in the browser ---------------------------------------------------------------------------
@pytest.fixture
def people(transactional_db):
    seeds.ensure_roles()
    east = Team.objects.create(name="华东销售组")
    sales = user_with_role("wangfang", seeds.SALES, password=PASSWORD, team=east)
    customer_create(actor=None, name="北京XYZ科技有限公司", owner=sales)
    customer_create(actor=None, name="上海申达物流有限公司", owner=sales)  # also 上海…
    abc = customer_create(actor=None, name="上海ABC贸易有限公司", owner=sales)
    DocumentType.objects.get_or_create(name="合同", defaults={"code": "HT"})
    return sales, abc


@pytest.mark.browser
def test_typing_shabc_and_choosing_with_the_keyboard_files_the_upload_to_abc(page, people, worker):
    _, abc = people
    sign_in(page, "wangfang", PASSWORD)
    page.goto("/upload/")
    picker = page.get_by_role("combobox", name="客户")
    picker.fill("shabc")
    option = page.get_by_role("option", name=re.compile("上海ABC贸易有限公司"))
    option.wait_for()
    assert page.get_by_role("listbox").get_by_role("option").count() == 1
    assert picker.get_attribute("aria-expanded") == "true"
    shot(page, "customer-picker")
    picker.press("ArrowDown")
    assert option.get_attribute("aria-selected") == "true"
    assert picker.get_attribute("aria-activedescendant") == option.get_attribute("id")
    picker.press("Enter")
    assert picker.input_value() == "上海ABC贸易有限公司"
    assert page.locator("input[name=customer]").input_value() == str(abc.id)
    assert picker.get_attribute("aria-expanded") == "false"
    page.get_by_label("类型").select_option(label="合同")
    page.get_by_label("选择文件").set_input_files(
        [{"name": "合同.pdf", "mimeType": "application/pdf", "buffer": make_pdf(["购销合同"])}]
    )
    row = page.locator("#jobs > li.job", has_text="合同.pdf")
    row.locator(".badge.state-done").wait_for(timeout=60_000)
    assert Document.objects.get().customer == abc


@pytest.mark.browser
def test_escape_closes_the_list_and_typing_over_a_choice_forgets_it(page, people, worker):
    sign_in(page, "wangfang", PASSWORD)
    page.goto("/upload/")
    picker = page.get_by_role("combobox", name="客户")
    picker.fill("上海")
    page.get_by_role("option", name=re.compile("上海申达物流有限公司")).wait_for()
    assert page.get_by_role("listbox").get_by_role("option").count() == 2
    picker.press("Escape")
    assert page.get_by_role("listbox").is_hidden()
    picker.press("ArrowDown")  # opens it again, then moves down
    page.get_by_role("option", name=re.compile("上海ABC贸易有限公司")).wait_for()
    picker.press("ArrowDown")
    picker.press("Enter")
    assert picker.input_value() == "上海ABC贸易有限公司"
    picker.press("Backspace")
    assert page.locator("input[name=customer]").input_value() == ""


@pytest.mark.browser
def test_the_documents_list_filters_by_a_name_typed_and_sent_without_choosing(page, people, worker):
    sales, abc = people
    contract_of(sales, abc)
    contract_of(sales, Customer.objects.get(name="北京XYZ科技有限公司"))
    page.expected_errors.append(r"^Failed to load resource: .* status of 400")  # 上海: several
    sign_in(page, "wangfang", PASSWORD)
    page.goto("/documents/")
    page.get_by_text("筛选").click()
    picker = page.get_by_role("combobox", name="客户")
    picker.fill("上海")
    picker.press("Escape")
    page.get_by_role("button", name="搜索").click()  # two customers are 上海…: it says so
    expect(page.get_by_role("alert")).to_contain_text("有多个客户与“上海”匹配")
    picker.fill("shabc")
    picker.press("Escape")
    page.get_by_role("button", name="搜索").click()
    expect(page.locator("#results")).to_contain_text("1 份文档")
    expect(page.locator("#results")).to_contain_text("上海ABC贸易有限公司")
    assert "北京XYZ科技有限公司" not in page.locator("#results .results-layout").inner_text()


@pytest.mark.browser
def test_the_document_details_move_to_the_customer_picked_by_its_initials(page, people, worker):
    sales, abc = people
    manager = user_with_role("chenjing", seeds.MANAGER, password=PASSWORD, team=sales.member.team)
    document = contract_of(sales, Customer.objects.get(name="北京XYZ科技有限公司"))
    sign_in(page, manager.username, PASSWORD)
    page.goto(f"/documents/{document.id}/")
    page.get_by_role("link", name="编辑信息").click()
    # The form is swapped in, then htmx puts the focus in its title (autofocus). Typing in the
    # picker before that would lose the focus, and the list opens only for a focused picker.
    expect(page.get_by_role("textbox", name="标题")).to_be_focused()
    picker = page.get_by_role("combobox", name="客户")
    picker.fill("shabc")
    page.get_by_role("option", name=re.compile("上海ABC贸易有限公司")).click()
    assert picker.input_value() == "上海ABC贸易有限公司"
    page.get_by_role("button", name="保存").click()
    page.get_by_text("详细信息已保存").wait_for()
    document.refresh_from_db()
    assert document.customer == abc
