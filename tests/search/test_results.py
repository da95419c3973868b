"""What comes back: ranking, snippets, facets, sorting, pages, the cap on counting."""

import datetime

import pytest
from django.db.models import Q

from docket.customers.models import Customer
from docket.documents.models import Document
from docket.search import engine
from docket.search.backends import get_backend
from docket.search.facets import Candidate, facet_counts
from tests.search.conftest import ids

pytestmark = pytest.mark.django_db


def test_a_match_in_the_title_ranks_above_one_in_the_body(make_doc, find):
    body = make_doc("本文件提及框架协议一次", title="说明")
    title = make_doc("无关正文", title="框架协议")
    assert [h.document.id for h in find("框架协议").hits] == [title.id, body.id]


def test_more_occurrences_rank_higher(make_doc, find):
    once = make_doc("违约 " + "其他内容 " * 30)
    often = make_doc("违约 违约 违约 " + "其他内容 " * 30)
    assert [h.document.id for h in find("违约").hits] == [often.id, once.id]


def test_a_rare_word_weighs_more_than_a_common_one(make_doc, find):
    for _ in range(8):
        make_doc("服务 条款")
    rare = make_doc("服务 仲裁")
    common_twice = make_doc("服务 服务 条款")
    hits = [h.document.id for h in find("服务 OR 仲裁").hits]
    assert hits.index(rare.id) < hits.index(common_twice.id)


def test_snippets_mark_the_words_found_and_escape_the_rest(make_doc, find):
    make_doc("前文" * 100 + "<b>甲方</b>应于2023年1月1日前支付¥128,000.00" + "后文" * 100)
    hit = find("甲方 128,000.00").hits[0]
    assert "<mark>甲方</mark>" in hit.snippet_html
    assert "&lt;b&gt;" in hit.snippet_html and "<b>" not in hit.snippet_html
    assert hit.snippet_html.startswith("…") and hit.snippet_html.endswith("…")
    assert len(hit.snippet_html) < 400


def test_the_title_is_marked_too(make_doc, find):
    make_doc("正文", title="2023年度框架协议")
    assert find("框架").hits[0].title_html == "2023年度<mark>框架</mark>协议"


def test_facet_names_every_customer_shown_when_hundreds_tie_at_the_cut():
    customers = Customer.objects.bulk_create(
        Customer(name=f"苏州客户{i:03d}有限公司", code=f"SZ{i:03d}") for i in range(250)
    )
    busy = customers[-1]
    candidates = [
        Candidate(id=n, customer_id=c.id, type_id=0, year=2023, created=0.0, rank=None)
        for n, c in enumerate(customers + [busy] * 4)
    ]
    shown = facet_counts(candidates)["customer"]
    assert len(shown) == 20
    assert shown[0] == {"id": busy.id, "name": "苏州客户249有限公司", "count": 5}
    assert all(row["name"] and row["count"] == 1 for row in shown[1:])
    assert [row["name"] for row in shown[1:]] == sorted(row["name"] for row in shown[1:])


def test_facets_count_the_matches_by_customer_type_tag_and_year(
    make_doc, find, other_customer, invoice_type
):
    make_doc("服务", document_date=datetime.date(2023, 1, 1), tags=["重要"])
    make_doc("服务", document_date=datetime.date(2023, 5, 1), tags=["重要", "加急"])
    make_doc(
        "服务",
        customer=other_customer,
        document_type=invoice_type,
        document_date=datetime.date(2024, 1, 1),
    )
    make_doc("别的")  # does not match
    facets = find("服务").facets
    assert [(f["name"], f["count"]) for f in facets["customer"]] == [
        ("上海ABC贸易有限公司", 2),
        ("北京星河科技", 1),
    ]
    assert [(f["name"], f["count"]) for f in facets["type"]] == [("合同", 2), ("发票", 1)]
    assert [(f["name"], f["count"]) for f in facets["tag"]] == [("重要", 2), ("加急", 1)]
    assert [(f["value"], f["count"]) for f in facets["year"]] == [(2024, 1), (2023, 2)]


def test_documents_the_user_may_not_see_are_neither_found_nor_counted(
    make_doc, find, monkeypatch, other_customer
):
    visible = make_doc("服务")
    hidden = make_doc("服务", customer=other_customer)
    real = engine.visible_documents

    def without_hidden(*, user, include_trashed=False):
        return real(user=user, include_trashed=include_trashed).exclude(id=hidden.id)

    monkeypatch.setattr(engine, "visible_documents", without_hidden)
    result = find("服务")
    assert ids(result) == {visible.id} and result.count == 1
    assert [f["name"] for f in result.facets["customer"]] == ["上海ABC贸易有限公司"]


def test_documents_in_the_trash_are_not_found(make_doc, find, user):
    from docket.documents.services import document_delete, document_restore_from_trash

    document = make_doc("服务")
    document_delete(actor=user, document=document)
    assert find("服务").count == 0
    document_restore_from_trash(actor=user, document=Document.all_objects.get(id=document.id))
    assert ids(find("服务")) == {document.id}


def test_results_sort_by_relevance_newest_or_oldest_and_come_in_pages(make_doc, find):
    documents = [make_doc("服务 " * (i + 1)) for i in range(5)]
    by_relevance = [h.document.id for h in find("服务").hits]
    assert by_relevance == [d.id for d in reversed(documents)]
    oldest = [h.document.id for h in find("服务", sort="oldest").hits]
    assert oldest == [d.id for d in documents]
    newest = [h.document.id for h in find("服务", sort="newest", page=2, page_size=2).hits]
    assert newest == [documents[2].id, documents[1].id]


def test_without_words_filters_list_documents_newest_first(make_doc, find):
    first, second = make_doc("甲"), make_doc("乙")
    result = find("", understand=True)
    assert [h.document.id for h in result.hits] == [second.id, first.id]
    assert result.hits[0].rank is None


def test_words_in_more_documents_than_are_ranked_list_the_newest_first_and_say_so(
    make_doc, find, monkeypatch
):
    monkeypatch.setattr(engine, "RANK_CAP", 2)
    documents = [make_doc("服务 " * (5 - i)) for i in range(3)]  # the oldest holds it most
    result = find("服务")
    assert (result.count, result.count_exact) == (3, True)
    assert [h.document.id for h in result.hits] == [d.id for d in reversed(documents)]
    assert all(h.rank is None for h in result.hits)
    assert any("too many to rank" in n for n in result.notices)


def test_a_filter_that_leaves_few_documents_finds_the_same_as_a_walk_of_the_index(
    make_doc, find, monkeypatch, other_customer
):
    monkeypatch.setattr(engine, "RANK_CAP", 0)
    monkeypatch.setattr(type(get_backend()), "lookup_cost", 1e-9)
    mine = [make_doc("服务合同"), make_doc("服务"), make_doc("合同")]
    make_doc("服务合同", customer=other_customer)
    query = {"q": "服务 -合同", "filters": (Q(customer=mine[0].customer),)}
    looked_up = find(**query)
    monkeypatch.setattr(engine, "FEW_DOCUMENTS", 0)
    walked = find(**query)
    assert [h.document.id for h in looked_up.hits] == [mine[1].id]
    assert [h.document.id for h in walked.hits] == [mine[1].id]
    assert looked_up.facets == walked.facets


def test_beyond_the_cap_the_count_is_a_lower_bound_and_the_newest_come_first(
    make_doc, find, monkeypatch
):
    monkeypatch.setattr(engine, "CANDIDATE_CAP", 3)
    monkeypatch.setattr(engine, "RANK_CAP", 2)
    documents = [make_doc("服务") for _ in range(5)]
    result = find("服务", page_size=10)
    assert (result.count, result.count_exact) == (3, False)
    assert [h.document.id for h in result.hits] == [d.id for d in reversed(documents)]
    assert all(h.rank is None for h in result.hits)
    assert any("newest" in n for n in result.notices)
    assert result.facets["customer"][0]["count"] == 3  # the newest 3
    oldest = find("服务", sort="oldest", page=2, page_size=2).hits
    assert [h.document.id for h in oldest] == [documents[2].id, documents[3].id]


def test_a_walk_that_goes_on_below_the_run_of_matches_misses_and_repeats_none(
    make_doc, find, monkeypatch, other_customer
):
    """The run of matches (the newest two here) is not walked again: the filter is applied
    to it, and the walk goes on below it."""
    monkeypatch.setattr(engine, "RANK_CAP", 2)
    monkeypatch.setattr(engine, "FEW_DOCUMENTS", 0)  # a walk, not lookups
    documents = [make_doc("服务") for _ in range(5)]
    documents[3].customer = other_customer  # in the run, left out by the filter
    documents[3].save()
    documents.insert(2, make_doc("服务", customer=other_customer))  # below it
    mine = {"filters": (Q(customer=documents[0].customer),), "page_size": 10}
    result = find("服务", **mine)
    expected = [d.id for d in reversed(documents) if d.customer_id != other_customer.id]
    assert [h.document.id for h in result.hits] == expected
    assert (result.count, result.count_exact) == (4, True)
    monkeypatch.setattr(engine, "CANDIDATE_CAP", 1)  # the run alone holds more than that
    capped = find("服务", **mine)
    assert (capped.count, capped.count_exact) == (1, False)
    assert [h.document.id for h in capped.hits][:1] == expected[:1]


def test_documents_are_looked_up_one_by_one_only_when_fewer_than_the_walk_would_step_over(
    make_doc, monkeypatch
):
    documents = [make_doc("服务") for _ in range(4)]
    newest = max(d.id for d in documents)
    monkeypatch.setattr(type(get_backend()), "lookup_cost", newest / 3)  # a third of all
    all_of_them = Document.objects.filter(id__in=[d.id for d in documents])
    assert engine._few(all_of_them.filter(id__in=[d.id for d in documents[:2]]), share=1.0)
    assert not engine._few(all_of_them.filter(id__in=[d.id for d in documents[:3]]), share=1.0)
    assert not engine._few(all_of_them, share=0.0)


def test_how_densely_matches_lie_is_judged_by_the_ids_a_run_of_them_spans():
    assert engine.share_matching([10, 8, 6]) == 3 / 5
    assert engine.share_matching([7, 6, 5, 4]) == 1.0
    assert engine.share_matching([]) == 0.0
