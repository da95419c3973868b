"""The documents page: search and browse with filters, facets and highlights."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from docket.audit.models import AuditEvent
from docket.customers.services import customer_create
from docket.documents.models import Tag
from docket.documents.services import document_upload
from tests.conftest import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales(db):
    return user_with_role("wangfang", role="sales")


@pytest.fixture
def signed_in(client, sales):
    client.force_login(sales)
    return client


def upload(actor, customer, contract_type, pdf, title, run_tasks, tags=()):
    document = document_upload(
        actor=actor,
        file=io.BytesIO(pdf),
        filename=f"{title}.pdf",
        customer=customer,
        document_type=contract_type,
        title=title,
        tags=list(tags),
    )
    run_tasks()  # the text
    return document


def test_a_phrase_is_found_and_marked_in_title_and_snippet(
    signed_in, sales, contract_type, contract_pdf, run_tasks
):
    customer = customer_create(actor=sales, name="上海ABC贸易有限公司")
    upload(sales, customer, contract_type, contract_pdf, "购销合同", run_tasks)
    page = signed_in.get("/documents/", {"q": "合同金额"}).content.decode()
    assert "1 份文档" in page
    assert "<mark>合同金额</mark>" in page
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SEARCH).exists()


def test_facets_narrow_the_list_and_count_only_what_the_user_sees(
    signed_in, sales, contract_type, contract_pdf, run_tasks
):
    important = Tag.objects.create(name="重要", color="#dc2626")
    mine = customer_create(actor=sales, name="上海ABC贸易有限公司")
    upload(sales, mine, contract_type, contract_pdf, "采购合同", run_tasks, [important])
    upload(sales, mine, contract_type, contract_pdf, "服务合同", run_tasks)
    someone = user_with_role("lisi", role="sales")
    theirs = customer_create(actor=someone, name="北京XYZ科技有限公司")
    upload(someone, theirs, contract_type, contract_pdf, "保密合同", run_tasks, [important])
    page = signed_in.get("/documents/").content.decode()
    assert "2 份文档" in page and "北京XYZ" not in page and "保密合同" not in page
    narrowed = signed_in.get("/documents/", {"tag": important.id}).content.decode()
    assert "采购合同" in narrowed and "服务合同" not in narrowed


def test_the_year_facet_filters_by_document_date(
    signed_in, sales, contract_type, contract_pdf, run_tasks
):
    import datetime

    customer = customer_create(actor=sales, name="上海ABC贸易有限公司")
    for year in (2022, 2023):
        document_upload(
            actor=sales,
            file=io.BytesIO(contract_pdf),
            filename=f"{year}.pdf",
            customer=customer,
            document_type=contract_type,
            title=f"{year}年度合同",
            document_date=datetime.date(year, 3, 1),
        )
    page = signed_in.get("/documents/", {"year": "2023"}).content.decode()
    assert "2023年度合同" in page and "2022年度合同" not in page


def test_an_invalid_filter_is_explained_not_a_crash(signed_in):
    answer = signed_in.get("/documents/", {"date_after": "2023年13月"})
    assert answer.status_code == 400
    assert "部分筛选条件无效" in answer.content.decode()


def test_empty_filters_from_the_form_mean_any(signed_in):
    answer = signed_in.get("/documents/?q=&type=&tag=&status=&date_after=&date_before=")
    assert answer.status_code == 200


def test_htmx_gets_only_the_results(signed_in):
    answer = signed_in.get("/documents/", HTTP_HX_REQUEST="true")
    assert answer.status_code == 200
    assert "<html" not in answer.content.decode()


def queries_for(client) -> int:
    client.get("/documents/")  # the first request of a session also writes the session
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/documents/").status_code == 200
    return len(queries)


def test_the_list_runs_as_many_queries_for_twenty_documents_as_for_two(
    signed_in, sales, contract_type, contract_pdf, run_tasks
):
    tag = Tag.objects.create(name="已盖章")
    customer = customer_create(actor=sales, name="上海ABC贸易有限公司")
    for i in range(2):
        upload(sales, customer, contract_type, contract_pdf, f"合同{i}", run_tasks, [tag])
    few = queries_for(signed_in)
    for i in range(18):
        other = customer_create(actor=sales, name=f"杭州{i}号科技有限公司")
        upload(sales, other, contract_type, contract_pdf, f"协议{i}", run_tasks, [tag])
    assert queries_for(signed_in) == few


def test_the_query_notices_are_shown_in_the_users_language(signed_in):
    page = signed_in.get("/documents/", {"q": '"未闭合的引号'}).content.decode()
    assert "未闭合的引号已在末尾补全" in page
    assert "unbalanced quote" not in page


def problems_of(answer) -> str:
    assert answer.status_code == 400
    page = answer.content.decode()
    return page.split('class="error" role="alert"', 1)[1].split("</div>", 1)[0]


def test_each_invalid_filter_is_named_by_its_label_with_what_is_wrong(signed_in):
    problems = problems_of(signed_in.get("/documents/", {"type": "abc"}))
    assert "<li>类型：不是有效的选择</li>" in problems
    assert "type" not in problems and ": 0" not in problems
    problems = problems_of(
        signed_in.get(
            "/documents/",
            {"customer": "x", "tag": "-1", "status": "丢失", "sort": "随便", "page": "0"},
        )
    )
    for line in ("客户：不是有效的选择", "标签：不是有效的选择", "状态：不是有效的选择"):
        assert f"<li>{line}</li>" in problems
    assert "<li>排序：不是有效的选择</li>" in problems
    assert "<li>页码：不是 1 到 10000 之间的整数</li>" in problems
    problems = problems_of(signed_in.get("/documents/", {"date_before": "2023年13月"}))
    assert "<li>文档日期至：不是有效的日期，请按 2023-01-01 的格式填写</li>" in problems


def test_invalid_filters_are_explained_in_english_for_an_english_user(signed_in, sales):
    from docket.accounts.preferences import language_set

    language_set(user=sales, language="en")
    problems = problems_of(signed_in.get("/documents/", {"type": "abc", "date_after": "昨天"}))
    assert "<li>Type: not a valid choice</li>" in problems
    assert "<li>Dated from: not a valid date; write it as 2023-01-01</li>" in problems


def test_a_date_range_that_ends_before_it_starts_is_refused_not_answered_with_nothing(
    signed_in, sales, contract_type, contract_pdf, run_tasks
):
    customer = customer_create(actor=sales, name="上海ABC贸易有限公司")
    upload(sales, customer, contract_type, contract_pdf, "购销合同", run_tasks)
    answer = signed_in.get("/documents/", {"date_after": "2023-12-31", "date_before": "2023-01-01"})
    assert "<li>文档日期至：结束日期早于开始日期</li>" in problems_of(answer)
    assert "没有找到文档" not in answer.content.decode()
    same_day = signed_in.get(
        "/documents/", {"date_after": "2023-01-01", "date_before": "2023-01-01"}
    )
    assert same_day.status_code == 200  # a one-day range is a range


def test_a_page_past_the_last_says_so_and_links_back_to_the_first(
    signed_in, sales, contract_type, contract_pdf, run_tasks
):
    customer = customer_create(actor=sales, name="上海ABC贸易有限公司")
    upload(sales, customer, contract_type, contract_pdf, "购销合同", run_tasks)
    answer = signed_in.get("/documents/", {"q": "合同", "page": "999"})
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "1 份文档" in page and "没有找到文档" not in page
    assert "第 999 页没有文档：列表在此之前已结束。" in page
    assert '<a href="?q=%E5%90%88%E5%90%8C&amp;page=1">回到第一页</a>' in page
    assert 'rel="prev"' not in page and 'rel="next"' not in page
    nothing = signed_in.get("/documents/", {"q": "不存在的词"}).content.decode()
    assert "没有找到文档" in nothing and "回到第一页" not in nothing
