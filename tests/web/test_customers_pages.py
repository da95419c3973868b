"""The customers list and the customer page (客户档案), through Django's test client: who sees
what, the filters and the pinyin search, the edit and contact forms, the timeline, and the
number of queries (no N+1: the same count for 3 rows as for 30)."""

import io
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from docket.access import seeds
from docket.access.models import Level
from docket.audit.models import AuditEvent
from docket.audit.services import audit_record
from docket.customers.models import Customer
from docket.customers.services import contact_create, customer_create
from docket.documents.models import DocumentType, Tag
from docket.documents.services import document_update, document_upload
from tests.access import conftest as access_conftest
from tests.access.conftest import SECRET_TITLE, make_document
from tests.conftest import user_with_role

pytestmark = pytest.mark.django_db

# Two sales teams (华东, 华北), each role, and 上海ABC贸易有限公司 owned by 华东's wangfang with
# a 内部 and a 机密 document (tests/access/conftest.py).
world = access_conftest.world


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def htmx(client: Client, url: str, **params: object):
    return client.get(url, params, HTTP_HX_REQUEST="true")


def page_text(response) -> str:
    return response.content.decode()


def queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.fixture
def manager(db):
    return user_with_role("chenjing", seeds.MANAGER)


@pytest.fixture
def shanghai(manager) -> Customer:
    return customer_create(
        actor=None,
        name="上海ABC贸易有限公司",
        code="KH-SH-001",
        owner=manager,
        region="上海",
        tier=Customer.Tier.VIP,
        industry="贸易",
    )


@pytest.fixture
def several(manager, shanghai) -> dict[str, Customer]:
    """Customers that differ in one filter each."""
    return {
        "shanghai": shanghai,
        "beijing": customer_create(
            actor=None, name="北京星河科技有限公司", owner=manager, region="北京"
        ),
        "person": customer_create(
            actor=None, name="张伟", kind=Customer.Kind.INDIVIDUAL, owner=manager, region="上海"
        ),
        "dormant": customer_create(
            actor=None, name="广州旧客户有限公司", status=Customer.Status.INACTIVE, owner=manager
        ),
    }


def listed(response) -> list[str]:
    return [customer.name for customer in response.context["customers"]]


# The list


def test_customers_list_shows_only_customers_the_user_may_see(world):
    answer = signed_in(world.sales_north).get("/customers/")
    assert answer.status_code == 200
    assert listed(answer) == ["北京星河科技有限公司"]
    assert "上海ABC" not in page_text(answer)


def test_customers_list_counts_only_the_documents_the_user_may_see(world):
    """Two live documents of 上海ABC: the owner (clearance 内部) sees one, the 机密 one is
    above their clearance; an administrator sees both."""
    own = signed_in(world.sales_east).get("/customers/")
    counts = {c.name: c.document_count for c in own.context["customers"]}
    assert counts == {"上海ABC贸易有限公司": 1}
    everyone = signed_in(world.administrator).get("/customers/")
    counts = {c.name: c.document_count for c in everyone.context["customers"]}
    assert counts["上海ABC贸易有限公司"] == 2


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "individual"}, ["张伟"]),
        ({"tier": "vip"}, ["上海ABC贸易有限公司"]),
        ({"region": "上海"}, ["上海ABC贸易有限公司", "张伟"]),
        ({"status": "inactive"}, ["广州旧客户有限公司"]),
        ({"kind": "enterprise", "region": "北京"}, ["北京星河科技有限公司"]),
    ],
)
def test_customers_list_filters_by_kind_tier_region_and_status(manager, several, query, expected):
    answer = signed_in(manager).get("/customers/", query)
    assert sorted(listed(answer)) == sorted(expected)


def test_customers_list_filters_by_owner(manager, several):
    other = user_with_role("lina", seeds.SALES)
    customer_create(actor=None, name="深圳蓝海电子有限公司", owner=other)
    admin = user_with_role("itadmin", seeds.ADMINISTRATOR)
    answer = signed_in(admin).get("/customers/", {"owner": other.pk})
    assert listed(answer) == ["深圳蓝海电子有限公司"]
    assert f'<option value="{other.pk}" selected>' in page_text(answer)


def test_customers_list_leaves_merged_customers_out_unless_asked(manager, several):
    from docket.customers.services import customer_merge

    duplicate = customer_create(actor=None, name="上海ABC贸易公司", owner=manager)
    customer_merge(actor=None, source=duplicate, target=several["shanghai"])
    client = signed_in(manager)
    assert "上海ABC贸易公司" not in listed(client.get("/customers/"))
    assert listed(client.get("/customers/", {"status": "merged"})) == ["上海ABC贸易公司"]


@pytest.mark.parametrize("words", ["上海ABC", "shanghai abc", "ShangHai", "shabc", "KH-SH-001"])
def test_customer_search_finds_by_name_pinyin_initials_and_code(manager, several, words):
    answer = signed_in(manager).get("/customers/", {"q": words})
    assert listed(answer) == ["上海ABC贸易有限公司"]


def test_a_bad_filter_value_is_ignored_and_the_rest_still_filter(manager, several):
    answer = signed_in(manager).get("/customers/", {"tier": "gold", "region": "北京"})
    assert answer.status_code == 200
    assert listed(answer) == ["北京星河科技有限公司"]


def test_typing_in_the_search_box_returns_only_the_table(manager, several):
    answer = htmx(signed_in(manager), "/customers/", q="shabc")
    body = page_text(answer)
    assert answer.status_code == 200
    assert "<html" not in body and 'class="table customer-table"' in body
    assert "上海ABC贸易有限公司" in body and "北京星河" not in body


def test_customers_list_pages_fifty_at_a_time_and_sorts_newest_first(manager):
    for number in range(55):
        customer_create(actor=None, name=f"测试客户{number:02d}有限公司", owner=manager)
    client = signed_in(manager)
    first = client.get("/customers/")
    assert len(first.context["customers"]) == 50
    assert listed(first)[0] == "测试客户00有限公司"
    second = client.get("/customers/", {"page": 2})
    assert listed(second) == [f"测试客户{n}有限公司" for n in range(50, 55)]
    newest = client.get("/customers/", {"sort": "newest"})
    assert listed(newest)[0] == "测试客户54有限公司"


def test_customers_list_makes_as_many_queries_for_30_customers_as_for_3(manager):
    client = signed_in(manager)
    client.get("/customers/")  # the session's first request does its own bookkeeping

    def add(numbers: range) -> None:
        for number in numbers:
            customer = customer_create(
                actor=None, name=f"客户{number}有限公司", owner=manager, region=f"地区{number}"
            )
            make_document(customer, f"合同{number}", Level.INTERNAL)

    add(range(3))
    few = queries_for(client, "/customers/?q=kehu")
    add(range(3, 30))
    many = queries_for(client, "/customers/?q=kehu")
    assert few == many
    assert len(client.get("/customers/?q=kehu").context["customers"]) == 30


# The customer page


def test_a_sales_user_of_another_team_gets_404_on_a_customer_of_team_east(world):
    for path in ("", "edit/", "history/", f"documents/?type={world.document.document_type_id}"):
        answer = signed_in(world.sales_north).get(f"/customers/{world.customer.id}/{path}")
        assert answer.status_code == 404, path
        assert "上海ABC" not in page_text(answer)
    refused = signed_in(world.sales_north).post(
        f"/customers/{world.customer.id}/contacts/", {"contact-name": "李娜"}
    )
    assert refused.status_code == 404


def test_a_customer_that_does_not_exist_is_a_404_page(world):
    answer = signed_in(world.administrator).get("/customers/999999/")
    assert answer.status_code == 404
    assert "未找到" in page_text(answer)


def test_customer_page_lists_documents_grouped_by_type(world):
    quotation = DocumentType.objects.get_or_create(name="报价单", defaults={"code": "BJD"})[0]
    quote = make_document(world.customer, "2023年报价单", Level.INTERNAL)
    urgent = Tag.objects.create(name="重要", color="#b42318")
    document_update(actor=None, document=quote, document_type=quotation, tags=[urgent])
    answer = signed_in(world.sales_east).get(f"/customers/{world.customer.id}/")
    assert answer.status_code == 200
    groups = answer.context["file"].groups
    assert [(g.type_name, g.count) for g in groups] == [("合同", 1), ("报价单", 1)]
    body = page_text(answer)
    assert world.document.archive_number in body
    assert f'href="/documents/{world.document.id}/"' in body
    assert 'data-color="#b42318">重要</span>' in body
    assert SECRET_TITLE not in body  # above the owner's clearance


def test_customer_page_shows_the_profile_and_contacts(world):
    contact_create(
        actor=None, customer=world.customer, name="李经理", role="采购", phone="021-5555"
    )
    body = page_text(signed_in(world.sales_east).get(f"/customers/{world.customer.id}/"))
    assert "<h1>上海ABC贸易有限公司</h1>" in body
    assert "李经理" in body and 'href="tel:021-5555"' in body
    assert "上海" in body and world.customer.code in body


def test_show_more_adds_the_next_documents_of_a_type(world):
    for number in range(12):
        make_document(world.customer, f"补充合同{number:02d}", Level.INTERNAL)
    client = signed_in(world.sales_east)
    page = client.get(f"/customers/{world.customer.id}/")
    (contracts,) = page.context["file"].groups
    assert contracts.count == 13 and len(contracts.documents) == 10 and contracts.has_more
    url = f"/customers/{world.customer.id}/documents/"
    more = htmx(client, url, type=contracts.type_id, start=10)
    assert more.status_code == 200 and len(more.context["documents"]) == 3
    assert "<html" not in page_text(more) and not more.context["has_more"]
    whole = client.get(url, {"type": contracts.type_id})
    assert len(whole.context["documents"]) == 13 and "<html" in page_text(whole)


def test_customer_page_makes_as_many_queries_for_30_documents_as_for_3(world):
    quotation = DocumentType.objects.get_or_create(name="报价单", defaults={"code": "BJD"})[0]
    tags = [Tag.objects.create(name=name) for name in ("重要", "已盖章")]
    client = signed_in(world.manager_east)
    url = f"/customers/{world.customer.id}/"
    client.get(url)

    def add(numbers: range) -> None:
        for number in numbers:
            document = make_document(world.customer, f"文档{number}", Level.INTERNAL)
            kind = quotation if number % 2 else document.document_type
            document_update(
                actor=world.manager_east, document=document, document_type=kind, tags=tags
            )

    add(range(2))  # with the fixture's two: 3 visible to the manager (clearance 内部) …
    few = queries_for(client, url)
    add(range(2, 29))  # … and 30
    many = queries_for(client, url)
    assert few == many
    assert signed_in(world.manager_east).get(url).context["file"].document_count == 30


def test_customer_page_shows_an_upload_in_the_timeline(world, contract_pdf, contract_type):
    document_upload(
        actor=world.sales_east,
        file=io.BytesIO(contract_pdf),
        filename="ABC框架合同-盖章版.pdf",
        customer=world.customer,
        document_type=contract_type,
        title="年度框架合同",
    )
    answer = signed_in(world.sales_east).get(f"/customers/{world.customer.id}/")
    event, detail = answer.context["timeline"][0]
    assert (event.action, event.actor_name, event.document_title) == (
        "upload",
        "wangfang",
        "年度框架合同",
    )
    assert detail == "文件 ABC框架合同-盖章版.pdf"
    body = page_text(answer)
    assert "wangfang" in body and "上传" in body and "年度框架合同" in body


def test_timeline_leaves_out_documents_the_user_may_not_see(world):
    answer = signed_in(world.sales_east).get(f"/customers/{world.customer.id}/")
    titles = [event.document_title for event, _ in answer.context["timeline"]]
    assert world.document.title in titles and SECRET_TITLE not in titles
    assert SECRET_TITLE not in page_text(answer)


def test_timeline_shows_fifty_events_and_the_history_page_the_rest(world):
    for number in range(55):
        document_update(
            actor=world.manager_east, document=world.document, title=f"购销合同 第{number}稿"
        )
    client = signed_in(world.sales_east)
    page = client.get(f"/customers/{world.customer.id}/")
    assert len(page.context["timeline"]) == 50 and page.context["file"].more_timeline
    assert f'href="/customers/{world.customer.id}/history/?page=2"' in page_text(page)
    history = client.get(f"/customers/{world.customer.id}/history/", {"page": 2})
    assert history.status_code == 200
    # 55 edits, 1 upload (not the 机密 one) and the customer's creation
    assert len(history.context["timeline"]) == 57 - 50


def read(user, document, action: str, **details) -> None:
    """A look at a document, recorded as the document page and the API record it."""
    audit_record(
        action=action,
        actor=user,
        document_id=document.pk,
        customer_id=document.customer_id,
        details=details or None,
    )


def test_the_history_shows_what_changed_and_reads_only_when_asked(world):
    read(world.sales_east, world.document, "preview", version=1)
    read(world.sales_east, world.document, "download", version=1)
    document_update(actor=world.manager_east, document=world.document, title="购销合同（盖章版）")
    read(world.manager_east, world.document, "preview", version=1)
    client = signed_in(world.sales_east)
    url = f"/customers/{world.customer.id}/history/"
    changes = client.get(url)
    created = ["edit"]  # the customer's creation, first of all
    assert [e.action for e, _ in changes.context["timeline"]] == ["edit", "upload", *created]
    assert f'href="{url}?reads=1">显示查看和下载记录</a>' in page_text(changes)
    everything = client.get(url, {"reads": "1"})
    actions = [event.action for event, _ in everything.context["timeline"]]
    assert actions == ["preview", "edit", "download", "preview", "upload", *created]
    assert f'href="{url}">隐藏查看和下载记录</a>' in page_text(everything)
    assert "预览" in page_text(everything) and "下载" in page_text(everything)
    # the audit trail keeps them all: only the page leaves them out
    assert AuditEvent.objects.filter(document_id=world.document.id, action="preview").count() == 2


def test_an_unknown_reads_value_shows_only_the_changes(world):
    read(world.sales_east, world.document, "download", version=1)
    client = signed_in(world.sales_east)
    for value in ("yes", "0", "", "1'"):
        answer = client.get(f"/customers/{world.customer.id}/history/", {"reads": value})
        assert answer.status_code == 200
        assert [e.action for e, _ in answer.context["timeline"]] == ["upload", "edit"], value


def test_the_history_pages_what_it_shows_and_its_pages_keep_the_choice(world):
    for _ in range(60):
        read(world.sales_east, world.document, "preview", version=1)
    for number in range(3):
        document_update(
            actor=world.manager_east, document=world.document, title=f"购销合同 第{number}稿"
        )
    client = signed_in(world.sales_east)
    url = f"/customers/{world.customer.id}/history/"
    changes = client.get(url)
    assert (
        len(changes.context["timeline"]) == 5  # 3 edits, the upload, the creation
        and changes.context["page_obj"].paginator.num_pages == 1
    )
    assert 'rel="next"' not in page_text(changes)
    first = client.get(url, {"reads": "1"})
    assert first.context["page_obj"].paginator.num_pages == 2
    assert 'href="?reads=1&amp;page=2" rel="next"' in page_text(first)
    second = client.get(url, {"reads": "1", "page": "2"})
    assert len(second.context["timeline"]) == 65 - 50
    assert f'href="{url}">隐藏查看和下载记录</a>' in page_text(second)


def test_the_customer_page_shows_what_changed_and_reads_only_when_asked(world):
    for _ in range(60):
        read(world.sales_east, world.document, "preview", version=1)
    document_update(actor=world.manager_east, document=world.document, title="购销合同（盖章版）")
    client = signed_in(world.sales_east)
    url = f"/customers/{world.customer.id}/"
    changes = client.get(url)
    assert [e.action for e, _ in changes.context["timeline"]] == ["edit", "upload", "edit"]
    body = page_text(changes)
    assert f'href="{url}?reads=1">显示查看和下载记录</a>' in body
    assert f'href="/customers/{world.customer.id}/history/">' in body  # 全部记录
    everything = client.get(url, {"reads": "1"})
    timeline = everything.context["timeline"]
    assert len(timeline) == 50 and timeline[1][0].action == "preview"
    body = page_text(everything)
    assert f'href="/customers/{world.customer.id}/history/?page=2&amp;reads=1"' in body
    assert f'href="{url}">隐藏查看和下载记录</a>' in body


@pytest.mark.parametrize("reads", ["", "1"])
def test_the_history_makes_as_many_queries_for_30_events_as_for_3(world, reads):
    client = signed_in(world.sales_east)
    url = f"/customers/{world.customer.id}/history/?reads={reads}"
    client.get(url)

    def add(count: int) -> None:
        for number in range(count):
            read(world.sales_east, world.document, "download", version=1)
            document_update(actor=world.manager_east, document=world.document, title=f"稿{number}")

    add(2)
    few = queries_for(client, url)
    add(27)
    assert queries_for(client, url) == few


# Editing the profile, adding contacts


def profile(customer: Customer, **changes: object) -> dict:
    data = {
        "name": customer.name,
        "code": customer.code,
        "kind": customer.kind,
        "tier": customer.tier,
        "industry": customer.industry,
        "size": customer.size,
        "region": customer.region,
        "status": customer.status,
        "owner": customer.owner_id or "",
        "notes": customer.notes,
    }
    return data | changes


def test_edit_form_saves_the_profile_and_the_timeline_shows_it(world):
    client = signed_in(world.manager_east)
    assert client.get(f"/customers/{world.customer.id}/edit/").status_code == 200
    answer = client.post(
        f"/customers/{world.customer.id}/edit/",
        profile(world.customer, tier="vip", notes="2024年续约"),
    )
    assert answer.status_code == 302 and answer["Location"] == f"/customers/{world.customer.id}/"
    world.customer.refresh_from_db()
    assert (world.customer.tier, world.customer.notes) == ("vip", "2024年续约")
    page = client.get(f"/customers/{world.customer.id}/")
    event, detail = page.context["timeline"][0]
    assert event.action == "edit" and detail == "修改了：备注、客户等级"
    assert "客户资料已保存。" in page_text(page)


def test_edit_form_is_refused_403_for_a_user_without_edit_permission(world):
    """The owner is a sales user: their role may view, download and upload, not edit."""
    client = signed_in(world.sales_east)
    page = client.get(f"/customers/{world.customer.id}/")
    assert f'href="/customers/{world.customer.id}/edit/"' not in page_text(page)
    assert "添加联系人" not in page_text(page)
    assert client.get(f"/customers/{world.customer.id}/edit/").status_code == 403
    answer = client.post(
        f"/customers/{world.customer.id}/edit/", profile(world.customer, tier="vip")
    )
    assert answer.status_code == 403
    assert "您没有执行此操作的权限。" in page_text(answer)
    world.customer.refresh_from_db()
    assert world.customer.tier == "normal"


def test_edit_form_shows_a_taken_code_on_its_field(world):
    answer = signed_in(world.manager_north).post(
        f"/customers/{world.other_customer.id}/edit/",
        profile(world.other_customer, code=world.customer.code),
    )
    assert answer.status_code == 400
    assert answer.context["form"].errors["code"] == ["这个客户编号已被使用。"]
    assert 'aria-invalid="true"' in page_text(answer)


def test_edit_form_refuses_an_empty_name(world):
    answer = signed_in(world.manager_east).post(
        f"/customers/{world.customer.id}/edit/", profile(world.customer, name="")
    )
    assert answer.status_code == 400 and "name" in answer.context["form"].errors


def test_adding_a_contact_with_htmx_shows_it_in_the_contacts(world):
    client = signed_in(world.manager_east)
    answer = client.post(
        f"/customers/{world.customer.id}/contacts/",
        {"contact-name": "王采购", "contact-phone": "13800000000", "contact-email": "wang@abc.cn"},
        HTTP_HX_REQUEST="true",
    )
    body = page_text(answer)
    assert answer.status_code == 200 and "<html" not in body
    assert "王采购" in body and "已添加联系人 王采购。" in body
    assert world.customer.contacts.get().email == "wang@abc.cn"


def test_adding_a_contact_without_a_name_shows_the_error(world):
    client = signed_in(world.manager_east)
    answer = client.post(f"/customers/{world.customer.id}/contacts/", {"contact-name": ""})
    assert answer.status_code == 400 and "contact_form" in answer.context
    assert answer.context["contact_form"].errors["name"]
    assert not world.customer.contacts.exists()


def test_adding_a_contact_without_htmx_goes_back_to_the_customer(world):
    answer = signed_in(world.manager_east).post(
        f"/customers/{world.customer.id}/contacts/", {"contact-name": "赵主任"}
    )
    assert answer.status_code == 302 and answer["Location"] == f"/customers/{world.customer.id}/"


def test_adding_a_contact_is_refused_403_for_a_sales_user(world):
    answer = signed_in(world.sales_east).post(
        f"/customers/{world.customer.id}/contacts/", {"contact-name": "王采购"}
    )
    assert answer.status_code == 403
    assert not world.customer.contacts.exists()


# In a real browser


BROWSER_PASSWORD = "pw-陈静-12345"


@pytest.fixture
def east_office(transactional_db):
    """Team 华东: a manager (may edit) and a sales owner, a VIP customer with contacts and
    documents of three types, uploaded by the sales user."""
    from docket.access.models import Team

    east = Team.objects.create(name="华东销售组")
    manager = user_with_role("chenjing", seeds.MANAGER, password=BROWSER_PASSWORD, team=east)
    sales = user_with_role("wangfang", seeds.SALES, password=BROWSER_PASSWORD, team=east)
    customer = customer_create(
        actor=None,
        name="上海ABC贸易有限公司",
        code="KH-SH-001",
        owner=sales,
        region="上海",
        tier=Customer.Tier.VIP,
        industry="贸易",
        size="200-500人",
        notes="华东区重点客户，2023年签订年度框架协议。",
    )
    for name, region, owner in (
        ("北京星河科技有限公司", "北京", manager),
        ("深圳蓝海电子有限公司", "深圳", sales),
        ("杭州西湖茶业有限公司", "杭州", sales),
    ):
        customer_create(actor=None, name=name, owner=owner, region=region)
    contact_create(
        actor=None, customer=customer, name="李明", role="采购经理", phone="021-6288 1234"
    )
    types = {
        name: DocumentType.objects.get_or_create(name=name, defaults={"code": code})[0]
        for name, code in (("合同", "HT"), ("报价单", "BJD"), ("发票", "FP"))
    }
    stamped = Tag.objects.create(name="已盖章", color="#1f7a4d")
    urgent = Tag.objects.create(name="重要", color="#b42318")
    files = [
        ("合同", "2023年度购销合同", [stamped, urgent]),
        ("合同", "补充协议（一）", [stamped]),
        ("报价单", "2023年第四季度报价单", []),
        ("发票", "增值税专用发票 No.04512345", [stamped]),
    ]
    for type_name, title, tags in files:
        document_upload(
            actor=sales,
            file=io.BytesIO(f"{title}\n上海ABC贸易有限公司 合同金额 ¥128,000.00".encode()),
            filename=f"{title}.txt",
            customer=customer,
            document_type=types[type_name],
            title=title,
            tags=tags,
        )
    return customer


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_searching_customers_by_initials_updates_the_table_in_place(page, east_office):
    from playwright.sync_api import expect

    from tests.web.conftest import shot, sign_in

    sign_in(page, "chenjing", BROWSER_PASSWORD)
    page.goto("/customers/")
    rows = page.locator(".customer-table tbody tr")
    expect(rows).to_have_count(4)
    shot(page, "customers-list")
    page.get_by_label("搜索客户").fill("shabc")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("上海ABC贸易有限公司")
    expect(page).to_have_url(re.compile(r"/customers/\?.*q=shabc"))
    page.get_by_label("搜索客户").fill("")
    page.get_by_label("地区").select_option("深圳")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("深圳蓝海电子有限公司")
    assert "上海ABC贸易有限公司" not in rows.first.inner_text()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_customer_page_shows_documents_by_type_and_adds_a_contact(page, east_office):
    from playwright.sync_api import expect

    from tests.web.conftest import shot, sign_in

    sign_in(page, "chenjing", BROWSER_PASSWORD)
    page.goto("/customers/")
    page.get_by_role("link", name="上海ABC贸易有限公司").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("上海ABC贸易有限公司")
    groups = page.locator(".document-group h3")
    expect(groups).to_have_count(3)
    expect(page.get_by_role("heading", name="合同")).to_contain_text("2 份文档")
    expect(page.locator(".timeline li").first).to_contain_text("wangfang")
    expect(page.locator(".timeline li").first).to_contain_text("上传")
    shot(page, "customer-page")
    page.get_by_text("添加联系人", exact=True).first.click()  # opens the form
    page.get_by_label("名称").fill("赵敏")
    page.get_by_label("职务").fill("财务主管")
    page.get_by_label("电子邮箱").fill("zhaomin@abc-trade.cn")
    page.get_by_role("button", name="添加联系人").click()
    expect(page.locator("#contacts")).to_contain_text("已添加联系人 赵敏。")
    expect(page.locator(".contact-list li")).to_have_count(2)
    assert (
        Customer.objects.get(name="上海ABC贸易有限公司")
        .contacts.filter(name="赵敏", role="财务主管", email="zhaomin@abc-trade.cn")
        .exists()
    )
    page.set_viewport_size({"width": 820, "height": 1180})
    shot(page, "customer-page-tablet")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_editing_the_profile_saves_and_shows_in_the_timeline(page, east_office):
    from playwright.sync_api import expect

    from tests.web.conftest import shot, sign_in

    sign_in(page, "chenjing", BROWSER_PASSWORD)
    page.goto(f"/customers/{east_office.id}/")
    page.get_by_role("link", name="编辑资料").click()
    page.get_by_label("客户等级").select_option("normal")
    page.get_by_label("行业").fill("国际贸易")
    shot(page, "customer-edit")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("status")).to_contain_text("客户资料已保存。")
    expect(page.locator(".profile")).to_contain_text("国际贸易")
    expect(page.locator(".timeline li").first).to_contain_text("修改了：行业、客户等级")
    east_office.refresh_from_db()
    assert (east_office.tier, east_office.industry) == ("normal", "国际贸易")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_customer_page_in_english(page, east_office):
    from playwright.sync_api import expect

    from tests.web.conftest import shot, sign_in

    sign_in(page, "wangfang", BROWSER_PASSWORD)
    page.goto(f"/customers/{east_office.id}/")
    page.get_by_label("语言").select_option("en")
    expect(page.get_by_role("heading", name="Profile")).to_be_visible()
    expect(page.get_by_role("heading", name="Timeline")).to_be_visible()
    expect(page.locator(".profile")).to_contain_text("Enterprise")
    expect(page.get_by_role("link", name="Edit profile")).to_have_count(0)  # sales may not edit
    assert page.locator("html").get_attribute("lang") == "en"
    shot(page, "customer-page-en")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_customers_history_shows_views_and_downloads_when_asked(page, east_office):
    from playwright.sync_api import expect

    from tests.web.conftest import shot, sign_in

    sign_in(page, "chenjing", BROWSER_PASSWORD)
    page.goto(f"/customers/{east_office.id}/")
    page.get_by_role("link", name="2023年度购销合同").first.click()
    with page.expect_download():
        page.locator(".doc-preview").get_by_role("link", name="下载").click()
    page.goto(f"/customers/{east_office.id}/history/")
    timeline = page.locator(".timeline")
    expect(timeline.locator("li").first).to_contain_text("wangfang")
    expect(timeline).not_to_contain_text("下载")
    page.get_by_role("link", name="显示查看和下载记录").click()
    expect(page).to_have_url(re.compile(r"/history/\?reads=1$"))
    expect(timeline.locator("li").first).to_contain_text("chenjing")
    expect(timeline.locator("li").first).to_contain_text("下载")
    expect(timeline.locator("li").first).to_contain_text("2023年度购销合同")
    shot(page, "customer-history-with-reads")
    page.get_by_role("link", name="隐藏查看和下载记录").click()
    expect(timeline).not_to_contain_text("下载")
    expect(page.get_by_role("link", name="显示查看和下载记录")).to_be_visible()
    # hidden from the page only: the trail keeps the download
    assert AuditEvent.objects.filter(action="download", customer_id=east_office.id).exists()


def test_a_contact_phone_that_is_no_number_is_refused_in_chinese_and_kept(world):
    client = signed_in(world.manager_east)
    answer = client.post(
        f"/customers/{world.customer.id}/contacts/",
        {"contact-name": "王采购", "contact-phone": "abc"},
        HTTP_HX_REQUEST="true",
    )
    body = page_text(answer)
    assert "请输入电话号码" in body
    assert 'value="abc"' in body and 'value="王采购"' in body
    assert not world.customer.contacts.exists()
