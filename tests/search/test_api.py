"""/api/search/, /api/search/similar/, /api/search/saved/."""

import pytest

from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_search_returns_ranked_highlighted_faceted_results(api, make_doc):
    document = make_doc("合同金额为¥128,000.00，甲方为上海ABC贸易有限公司", title="采购合同")
    body = api.get("/api/search/", {"q": "128,000.00"}).json()
    assert body["count"] == 1 and body["count_exact"] is True
    hit = body["results"][0]
    assert hit["id"] == document.id
    assert hit["archive_number"] == document.archive_number
    assert "<mark>¥128,000.00</mark>" in hit["snippet_html"]
    assert hit["customer"]["name"] == "上海ABC贸易有限公司"
    assert body["facets"]["type"] == [{"id": document.document_type_id, "name": "合同", "count": 1}]
    assert body["notices"] == [] and body["understood"] == []


def test_search_needs_a_login(client, make_doc):
    make_doc("秘密")
    assert client.get("/api/search/", {"q": "秘密"}).status_code in (401, 403)


def test_filters_as_parameters(api, make_doc, other_customer, invoice_type):
    ours = make_doc("服务")
    theirs = make_doc("服务", customer=other_customer, document_type=invoice_type)
    found = api.get("/api/search/", {"q": "服务", "customer": other_customer.id}).json()
    assert [r["id"] for r in found["results"]] == [theirs.id]
    found = api.get("/api/search/", {"type": ours.document_type_id}).json()
    assert [r["id"] for r in found["results"]] == [ours.id]


def test_understanding_is_reported_and_can_be_turned_off(api, make_doc):
    make_doc("采购")
    body = api.get("/api/search/", {"q": "ABC 的合同"}).json()
    assert [u["kind"] for u in body["understood"]] == ["customer", "type"]
    assert body["count"] == 1
    body = api.get("/api/search/", {"q": "ABC 的合同", "understand": "false"}).json()
    assert body["understood"] == [] and body["count"] == 0


@pytest.mark.parametrize(
    "query",
    [
        '"未闭合的引号',
        "合同 AND",
        "OR",
        "NOT",
        "-",
        "((((合同",
        "合同))))",
        '"',
        "*",
        "^",
        ":",
        "(",
        ")",
        '"*^:()-',
        "HT-2023 : * ^ (x",
        "customer:",
        "date:2023-13",
        "合同\x00金额",
        "😀😀",
        "合同 😀",
        "",
        "   ",
        "合同" * 5000,
        "(" * 3000 + "合同" + ")" * 3000,
        "a OR " * 2000,
    ],
)
def test_malformed_queries_never_fail_the_server(api, make_doc, query):
    make_doc("合同金额")
    response = api.get("/api/search/", {"q": query})
    assert response.status_code == 200, response.content
    body = response.json()
    assert isinstance(body["results"], list)
    assert isinstance(body["notices"], list)


def test_unreadable_parts_of_a_query_are_explained(api, make_doc):
    make_doc("合同金额")
    body = api.get("/api/search/", {"q": '"合同金额'}).json()
    assert body["count"] == 1
    assert any("quote" in n for n in body["notices"])
    body = api.get("/api/search/", {"q": "date:2023-13 合同"}).json()
    assert any("month 13" in n for n in body["notices"])
    body = api.get("/api/search/", {"q": "合同" * 5000}).json()
    assert any("1000" in n for n in body["notices"])


@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"page": "0"},
        {"page_size": "1000"},
        {"sort": "sideways"},
        {"customer": "x"},
        {"date_after": "2023-02-30"},
    ],
)
def test_bad_parameters_are_a_clear_400(api, params):
    response = api.get("/api/search/", params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and error["fields"]


def test_similar_documents_share_distinctive_words(api, make_doc, other_customer):
    base = make_doc("仲裁条款 争议解决 上海国际仲裁中心 违约金", title="采购合同")
    like = make_doc("争议提交上海国际仲裁中心仲裁，违约金另计", customer=other_customer)
    make_doc("办公用品清单 打印纸 墨盒", customer=other_customer)
    body = api.get("/api/search/similar/", {"document": base.id}).json()
    assert [r["id"] for r in body["results"]][:1] == [like.id]
    assert base.id not in [r["id"] for r in body["results"]]


def test_similar_needs_a_visible_document(api):
    assert api.get("/api/search/similar/", {"document": 999}).status_code == 404
    assert api.get("/api/search/similar/").status_code == 404


def test_saved_searches_are_kept_per_user_and_can_be_run(api, make_doc, other_user):
    wanted = make_doc("服务", tags=["重要"])
    make_doc("服务")
    tag_id = wanted.tags.get().id
    created = api.post(
        "/api/search/saved/",
        {"name": "重要服务", "query": "服务", "filters": {"tag": [tag_id]}},
        format="json",
    )
    assert created.status_code == 201, created.content
    saved_id = created.json()["id"]
    assert (
        api.post(
            "/api/search/saved/", {"name": "重要服务", "query": "x"}, format="json"
        ).status_code
        == 409
    )
    body = api.get("/api/search/", {"saved": saved_id}).json()
    assert [r["id"] for r in body["results"]] == [wanted.id]
    stranger = client_for(other_user)
    assert stranger.get("/api/search/saved/").json()["results"] == []
    assert stranger.get("/api/search/", {"saved": saved_id}).status_code == 404
    assert stranger.delete(f"/api/search/saved/{saved_id}/").status_code == 404
    assert api.delete(f"/api/search/saved/{saved_id}/").status_code == 204


def test_saved_search_filters_are_validated(api):
    response = api.post(
        "/api/search/saved/", {"name": "x", "filters": {"colour": "red"}}, format="json"
    )
    assert response.status_code == 400
    response = api.post(
        "/api/search/saved/", {"name": "x", "filters": {"tag": ["abc"]}}, format="json"
    )
    assert response.status_code == 400


def test_renaming_a_saved_search_to_a_name_in_use_is_a_conflict_and_changes_nothing(api):
    first = api.post(
        "/api/search/saved/", {"name": "上海合同", "query": "上海 合同"}, format="json"
    )
    second = api.post(
        "/api/search/saved/", {"name": "北京发票", "query": "北京 发票"}, format="json"
    )
    url = f"/api/search/saved/{second.json()['id']}/"
    for method in (api.put, api.patch):
        response = method(url, {"name": "上海合同", "query": "北京 发票"}, format="json")
        assert response.status_code == 409
    assert api.get(url).json()["name"] == "北京发票"
    assert api.patch(url, {"name": "北京发票"}, format="json").status_code == 200  # its own name
    assert first.status_code == 201


def test_an_id_beyond_64_bits_is_a_bad_request(api):
    response = api.get("/api/search/", {"q": "合同", "type": "-22267707618320159357272064"})
    assert response.status_code == 400
    assert api.get("/api/search/", {"q": "合同", "customer": 2**63}).status_code == 400


def test_a_page_of_twenty_hits_runs_as_many_queries_as_a_page_of_two(api, make_doc, user):
    """Every field a hit shows is read with the page (no query per hit for a field left out
    of results.HIT_FIELDS)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from docket.customers.services import customer_create

    def queries() -> int:
        api.get("/api/search/", {"q": "框架协议"})  # the first request also notes the token's use
        with CaptureQueriesContext(connection) as captured:
            body = api.get("/api/search/", {"q": "框架协议", "facets": "false"}).json()
        assert all(hit["created_by"] and hit["customer"]["name"] for hit in body["results"])
        return len(captured)

    for i in range(2):
        make_doc("框架协议", tags=["已盖章"], title=f"协议{i}")
    few = queries()
    for i in range(18):
        customer = customer_create(actor=user, name=f"杭州{i}号科技有限公司")
        make_doc("框架协议", customer=customer, tags=[f"标签{i}"], title=f"协议{i}")
    assert queries() == few
