"""Customers and contacts through the API: create, read, filter, update, merge."""

import pytest

from docket.customers.models import Customer
from docket.customers.services import customer_create
from docket.documents.models import Document
from tests.conftest import named_file


def test_create_customer_with_profile_fields_and_generated_code(api, user):
    response = api.post(
        "/api/customers/",
        {
            "name": "北京华信科技股份有限公司",
            "kind": "enterprise",
            "tier": "vip",
            "industry": "科技",
            "size": "500-1000人",
            "region": "北京",
            "notes": "重点客户",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["code"].startswith("KH")
    assert body["tier"] == "vip"
    assert body["owner"] == user.id
    assert body["document_count"] == 0


def test_the_same_name_twice_in_one_kind_is_a_409(api, customer):
    response = api.post("/api/customers/", {"name": "上海ABC贸易有限公司"}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["fields"] == {"name": [response.json()["error"]["message"]]}


def test_the_same_name_in_another_kind_is_allowed(api, customer):
    response = api.post(
        "/api/customers/", {"name": "上海ABC贸易有限公司", "kind": "prospect"}, format="json"
    )
    assert response.status_code == 201


def test_blank_name_and_bad_choices_are_400(api):
    assert api.post("/api/customers/", {"name": "  "}, format="json").status_code == 400
    response = api.post("/api/customers/", {"name": "某公司", "tier": "gold"}, format="json")
    assert response.status_code == 400
    assert "tier" in response.json()["error"]["fields"]


def test_list_filters_by_search_and_profile_fields(api, user):
    customer_create(actor=user, name="上海ABC贸易有限公司", region="上海", tier="vip")
    customer_create(actor=user, name="深圳鼎盛物流有限公司", region="深圳")
    customer_create(actor=user, name="王小明", kind="individual", region="上海")
    names = lambda url: [c["name"] for c in api.get(url).json()["results"]]  # noqa: E731
    assert names("/api/customers/?search=ABC") == ["上海ABC贸易有限公司"]
    assert sorted(names("/api/customers/?region=上海")) == ["上海ABC贸易有限公司", "王小明"]
    assert names("/api/customers/?kind=individual") == ["王小明"]
    assert names("/api/customers/?tier=vip") == ["上海ABC贸易有限公司"]


def test_contacts_are_added_and_listed(api, customer):
    response = api.post(
        f"/api/customers/{customer.id}/contacts/",
        {
            "name": "张伟",
            "role": "采购经理",
            "phone": "13800138000",
            "email": "zhangwei@abc.example.cn",
        },
        format="json",
    )
    assert response.status_code == 201
    listed = api.get(f"/api/customers/{customer.id}/contacts/").json()
    assert [(c["name"], c["role"]) for c in listed] == [("张伟", "采购经理")]
    assert api.get(f"/api/customers/{customer.id}/").json()["contacts"][0]["phone"] == "13800138000"
    bad = api.post(
        f"/api/customers/{customer.id}/contacts/",
        {"name": "李", "email": "not-mail"},
        format="json",
    )
    assert bad.status_code == 400


def test_update_renames_and_rejects_a_clash(api, user, customer):
    other = customer_create(actor=user, name="杭州华信有限公司")
    ok = api.patch(
        f"/api/customers/{customer.id}/", {"name": "上海ABC国际贸易有限公司"}, format="json"
    )
    assert ok.status_code == 200
    assert ok.json()["name"] == "上海ABC国际贸易有限公司"
    clash = api.patch(
        f"/api/customers/{other.id}/", {"name": "上海ABC国际贸易有限公司"}, format="json"
    )
    assert clash.status_code == 409


def test_merge_moves_documents_and_contacts_and_keeps_the_duplicate_as_merged(
    api, user, customer, contract_pdf
):
    duplicate = customer_create(actor=user, name="上海ABC贸易有限公司（重复）", notes="旧档案")
    api.post(f"/api/customers/{duplicate.id}/contacts/", {"name": "赵敏"}, format="json")
    for name in ("合同1.pdf", "合同2.pdf"):
        api.post(
            "/api/documents/",
            {
                "file": named_file(contract_pdf + name.encode(), name),
                "customer": duplicate.id,
                "type": "合同",
            },
            format="multipart",
        )
    response = api.post(
        f"/api/customers/{duplicate.id}/merge/", {"into": customer.id}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == customer.id
    assert body["document_count"] == 2
    assert [c["name"] for c in body["contacts"]] == ["赵敏"]
    assert "旧档案" in body["notes"]
    duplicate.refresh_from_db()
    assert duplicate.status == Customer.Status.MERGED
    assert duplicate.merged_into_id == customer.id
    assert Document.all_objects.filter(customer=duplicate).count() == 0


def test_merge_into_itself_or_twice_is_refused(api, user, customer):
    assert (
        api.post(
            f"/api/customers/{customer.id}/merge/", {"into": customer.id}, format="json"
        ).status_code
        == 400
    )
    other = customer_create(actor=user, name="某某有限公司")
    api.post(f"/api/customers/{other.id}/merge/", {"into": customer.id}, format="json")
    again = api.post(f"/api/customers/{other.id}/merge/", {"into": customer.id}, format="json")
    assert again.status_code == 409


def test_a_merged_customer_takes_no_new_documents(api, user, customer, contract_pdf):
    other = customer_create(actor=user, name="某某有限公司")
    api.post(f"/api/customers/{other.id}/merge/", {"into": customer.id}, format="json")
    response = api.post(
        "/api/documents/",
        {"file": named_file(contract_pdf, "a.pdf"), "customer": other.id, "type": "合同"},
        format="multipart",
    )
    assert response.status_code == 400
    assert "merged" in response.json()["error"]["message"]


@pytest.mark.parametrize("url", ["/api/customers/", "/api/documents/", "/api/trash/", "/api/tags/"])
def test_every_list_requires_authentication(client, url, db):
    response = client.get(url)
    assert response.status_code in (401, 403)
    assert "error" in response.json()


@pytest.mark.parametrize("text", ["shanghai abc", "shabc", "ShangHai", "ABC贸易"])
def test_customers_are_found_by_name_pinyin_or_initials(api, customer, text):
    other = api.post("/api/customers/", {"name": "北京星河科技"}, format="json")
    assert other.status_code == 201
    found = api.get("/api/customers/", {"search": text}).json()["results"]
    assert [c["name"] for c in found] == ["上海ABC贸易有限公司"]


@pytest.mark.parametrize(
    "query", [{"owner": "naming_template"}, {"kind": "外星客户"}, {"status": "x"}, {"owner": 2**64}]
)
def test_a_bad_list_filter_is_a_bad_request_naming_it(api, query):
    response = api.get("/api/customers/", query)
    assert response.status_code == 400
    assert next(iter(query)) in response.json()["error"]["message"]


@pytest.mark.parametrize(
    "phone", ["021-6888 8888", "+86 138 0013 8000", "(0755) 8888-8888", "400-820-8820 转 123"]
)
def test_a_contacts_phone_is_kept_as_written(api, customer, phone):
    answer = api.post(
        f"/api/customers/{customer.id}/contacts/", {"name": "张伟", "phone": phone}, format="json"
    )
    assert answer.status_code == 201, answer.content
    assert customer.contacts.get().phone == phone


@pytest.mark.parametrize("phone", ["abc", "12", "138-0013-8000; DROP TABLE", "电话 138"])
def test_a_phone_that_is_no_number_is_refused_and_nothing_is_stored(api, customer, phone):
    answer = api.post(
        f"/api/customers/{customer.id}/contacts/", {"name": "张伟", "phone": phone}, format="json"
    )
    assert answer.status_code == 400
    assert "phone" in answer.content.decode()
    assert not customer.contacts.exists()
