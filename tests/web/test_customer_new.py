"""The new-customer page (新建客户): who may open it and see its button, what it creates, its
refusals in the user's language with the input kept, the owners a user may give it to, and
`next` (back to the upload page, never to another site)."""

import re

import pytest
from django.test import Client

from docket.accounts.models import Preference
from docket.audit.models import AuditEvent
from docket.customers.models import Customer
from tests.access import conftest as access_conftest
from tests.web.test_accessibility import LOW_CONTRAST, UNNAMED_CONTROLS

pytestmark = pytest.mark.django_db

# Two sales teams (华东, 华北), each role, and 上海ABC贸易有限公司 owned by 华东's wangfang
# (tests/access/conftest.py).
world = access_conftest.world

NEW = "/customers/new/"
NANJING = "南京金桥宏达贸易有限公司"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


def profile(**given: str) -> dict[str, str]:
    """What the form sends for an enterprise of the normal tier, with `given` on top."""
    return {"name": NANJING, "code": "", "kind": "enterprise", "tier": "normal"} | given


def test_a_sales_user_adds_a_customer_and_lands_on_its_page_with_a_message(world):
    client = signed_in(world.sales_east)
    form = client.get(NEW)
    assert form.status_code == 200
    assert "<h1>新建客户</h1>" in text(form)
    assert "owner" not in form.context["form"].fields  # an own-scope role has no one to give it
    answer = client.post(NEW, profile(tier="vip", region="南京", industry="贸易"))
    customer = Customer.objects.get(name=NANJING)
    assert answer.status_code == 302 and answer["Location"] == f"/customers/{customer.id}/"
    assert (customer.owner, customer.tier, customer.region) == (world.sales_east, "vip", "南京")
    assert re.fullmatch(r"KH\d{6}", customer.code)
    page = client.get(answer["Location"])
    assert page.status_code == 200
    assert f"已添加客户 {NANJING}。" in text(page)
    assert "创建客户" in text(page)  # the first line of its timeline, from the audit trail
    created = AuditEvent.objects.get(customer_id=customer.id)
    assert (created.actor, created.details) == (world.sales_east, {"created": NANJING})


def test_a_code_given_on_the_form_is_kept(world):
    signed_in(world.sales_east).post(NEW, profile(code="KH-NJ-001"))
    assert Customer.objects.get(name=NANJING).code == "KH-NJ-001"


def test_the_same_name_again_is_refused_in_chinese_and_the_input_is_kept(world):
    before = Customer.objects.count()
    answer = signed_in(world.manager_east).post(
        NEW, profile(name="上海ABC贸易有限公司", region="上海浦东", notes="2023年1月1日来访")
    )
    assert answer.status_code == 400
    assert answer.context["form"].errors["name"] == ["已有同类型的客户使用这个名称。"]
    body = text(answer)
    assert 'value="上海ABC贸易有限公司"' in body and 'value="上海浦东"' in body
    assert "2023年1月1日来访" in body and 'aria-invalid="true"' in body
    assert Customer.objects.count() == before


def test_the_same_name_again_is_refused_in_english_for_an_english_user(world):
    Preference.objects.create(user=world.manager_east, language="en")
    answer = signed_in(world.manager_east).post(NEW, profile(name="上海ABC贸易有限公司"))
    assert answer.context["form"].errors["name"] == [
        "Another customer of this kind already has this name."
    ]


def test_the_same_name_as_a_prospect_is_another_customer(world):
    answer = signed_in(world.sales_east).post(
        NEW, profile(name="上海ABC贸易有限公司", kind="prospect")
    )
    assert answer.status_code == 302
    assert Customer.objects.filter(name="上海ABC贸易有限公司").count() == 2


def test_a_taken_code_is_refused_on_its_field(world):
    answer = signed_in(world.sales_east).post(NEW, profile(code=world.customer.code))
    assert answer.status_code == 400
    assert answer.context["form"].errors["code"] == ["这个客户编号已被使用。"]
    assert not Customer.objects.filter(name=NANJING).exists()


@pytest.mark.parametrize("name", ["", "   "])
def test_an_empty_name_is_refused(world, name):
    before = Customer.objects.count()
    answer = signed_in(world.sales_east).post(NEW, profile(name=name, region="南京"))
    assert answer.status_code == 400
    assert answer.context["form"].errors["name"]
    assert 'value="南京"' in text(answer)
    assert Customer.objects.count() == before


def test_a_bad_choice_is_refused_on_its_field(world):
    answer = signed_in(world.sales_east).post(NEW, profile(tier="gold"))
    assert answer.status_code == 400 and "tier" in answer.context["form"].errors
    assert not Customer.objects.filter(name=NANJING).exists()


@pytest.mark.parametrize("who", ["archivist", "no_role"])
def test_a_user_who_may_not_add_customers_is_refused_403_and_sees_no_button(world, who):
    """The archivist may view, download and edit, not upload; the guest has no role."""
    client = signed_in(getattr(world, who))
    assert client.get(NEW).status_code == 403
    answer = client.post(NEW, profile())
    assert answer.status_code == 403
    assert "您没有执行此操作的权限。" in text(answer)
    assert not Customer.objects.filter(name=NANJING).exists()
    assert f'href="{NEW}' not in text(client.get("/customers/"))
    assert f'href="{NEW}' not in text(client.get("/upload/"))


def test_a_user_who_may_add_customers_sees_the_button_and_the_upload_link(world):
    client = signed_in(world.sales_east)
    assert f'href="{NEW}"' in text(client.get("/customers/"))
    assert f'href="{NEW}?next=/upload/"' in text(client.get("/upload/"))


def test_signed_out_the_page_asks_to_sign_in(db):
    answer = Client().get(NEW)
    assert answer.status_code == 302 and answer["Location"].startswith("/login/")


def test_next_brings_the_user_back_to_the_upload_page(world):
    client = signed_in(world.sales_east)
    form = client.get(NEW, {"next": "/upload/"})
    assert '<input type="hidden" name="next" value="/upload/">' in text(form)
    answer = client.post(NEW, profile(next="/upload/"))
    customer = Customer.objects.get(name=NANJING)  # chosen there (test_upload_new_customer)
    assert answer.status_code == 302 and answer["Location"] == f"/upload/?customer={customer.id}"
    assert f"已添加客户 {NANJING}。" in text(client.get(answer["Location"]))


@pytest.mark.parametrize(
    "elsewhere", ["https://evil.example/", "//evil.example/upload/", "/\\evil.example", "upload/"]
)
def test_next_to_another_site_is_ignored(world, elsewhere):
    client = signed_in(world.sales_east)
    assert client.get(NEW, {"next": elsewhere}).context["next"] == ""
    answer = client.post(NEW, profile(next=elsewhere))
    customer = Customer.objects.get(name=NANJING)
    assert answer.status_code == 302 and answer["Location"] == f"/customers/{customer.id}/"


def offered(form) -> set[str]:
    return {str(label) for _value, label in form.fields["owner"].choices}


def test_a_manager_may_give_the_customer_to_someone_of_their_team_only(world):
    client = signed_in(world.manager_east)
    assert offered(client.get(NEW).context["form"]) == {"wangfang", "zhaolei", "chenjing"}
    refused = client.post(NEW, profile(owner=str(world.sales_north.pk)))
    # The service's refusal (customer_create), on the field, audited as a 403 is.
    assert refused.status_code == 403
    assert refused.context["form"].errors["owner"] == [
        "客户只能交给本团队的成员，liuyang 不在您的团队中"
    ]
    assert 'value="南京金桥宏达贸易有限公司"' in text(refused)  # the input is kept
    assert not Customer.objects.filter(name=NANJING).exists()
    denied = AuditEvent.objects.get(outcome=AuditEvent.Outcome.DENIED)
    assert (denied.actor, denied.details["path"]) == (world.manager_east, NEW)
    answer = client.post(NEW, profile(owner=str(world.sales_east_2.pk)))
    customer = Customer.objects.get(name=NANJING)
    assert answer["Location"] == f"/customers/{customer.id}/"
    assert customer.owner == world.sales_east_2
    client.post(NEW, profile(name="南京银河电子有限公司"))  # no owner sent: the creator
    assert Customer.objects.get(name="南京银河电子有限公司").owner == world.manager_east


def test_an_administrator_may_give_the_customer_to_anyone_and_owns_it_by_default(world):
    client = signed_in(world.administrator)
    form = client.get(NEW).context["form"]
    assert {"liuyang", "wangfang", "itadmin"} <= offered(form)
    assert form["owner"].value() == world.administrator.pk
    client.post(NEW, profile(owner=str(world.sales_north.pk)))
    assert Customer.objects.get(name=NANJING).owner == world.sales_north


# In a real browser


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_sales_user_adds_a_customer_from_the_list_and_lands_on_its_page(page):
    from playwright.sync_api import expect

    from docket.access import seeds
    from tests.conftest import user_with_role
    from tests.web.conftest import shot, sign_in

    user_with_role("wangfang", seeds.SALES, password="pw-王芳-12345")
    sign_in(page, "wangfang", "pw-王芳-12345")
    page.goto("/customers/")
    shot(page, "customers-list-new-button")
    page.get_by_role("link", name="新建客户").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("新建客户")
    page.expected_errors.append(r"^Failed to load resource: .* status of 400")  # no name yet
    page.get_by_role("button", name="添加客户").click()  # refused, on its field
    expect(page.get_by_role("alert").first).to_have_text("请修改标出的字段。")
    expect(page.get_by_label("名称")).to_have_attribute("aria-invalid", "true")
    assert page.locator("h1").count() == 1
    assert page.evaluate(UNNAMED_CONTROLS) == [] and page.evaluate(LOW_CONTRAST) == []
    page.get_by_label("名称").fill("上海ABC贸易有限公司")
    page.get_by_label("客户等级").select_option("vip")
    page.get_by_label("地区").fill("上海")
    shot(page, "customer-new")
    page.get_by_role("button", name="添加客户").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("上海ABC贸易有限公司")
    expect(page.get_by_role("status")).to_contain_text("已添加客户 上海ABC贸易有限公司。")
    expect(page.locator(".profile")).to_contain_text("上海")
    customer = Customer.objects.get(name="上海ABC贸易有限公司")
    expect(page).to_have_url(re.compile(rf"/customers/{customer.id}/$"))
    assert customer.tier == "vip" and customer.owner.username == "wangfang"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_without_javascript_the_upload_page_link_adds_a_customer_and_comes_back_to_it(
    browser, live_server
):
    """With JavaScript the link opens a dialog on the page (test_upload_new_customer)."""
    from playwright.sync_api import expect

    from docket.access import seeds
    from tests.conftest import user_with_role
    from tests.web.conftest import shot, sign_in

    user = user_with_role("wangfang", seeds.SALES, password="pw-王芳-12345")
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", java_script_enabled=False
    )
    page = context.new_page()
    sign_in(page, "wangfang", "pw-王芳-12345")
    page.goto("/upload/")
    shot(page, "upload-new-customer-link")
    page.get_by_role("link", name="新建客户").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("新建客户")
    page.get_by_label("名称").fill(NANJING)
    page.get_by_label("名称").press("Enter")  # the keyboard submits the form
    customer = Customer.objects.get(name=NANJING)
    expect(page).to_have_url(re.compile(rf"/upload/\?customer={customer.id}$"))
    expect(page.get_by_role("status").first).to_contain_text(f"已添加客户 {NANJING}。")
    expect(page.get_by_role("combobox", name="客户")).to_have_value(NANJING)
    expect(page.locator("#upload-form input[name=customer]")).to_have_value(str(customer.id))
    assert customer.owner == user
    context.close()
