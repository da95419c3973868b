"""Ctrl-F exactness: what a person would find in the text with Ctrl-F, search finds."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.search.conftest import ids

pytestmark = pytest.mark.django_db

# Common characters of contracts, plus Latin letters, digits and punctuation between them.
HANZI = "合同甲乙方签订日期金额上海北京贸易有限公司科技服务协议付款发票违约责任定的是了在和"
TEXT = st.text(alphabet=HANZI + "ABCxyz0123 ,。、-", min_size=2, max_size=60)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(texts=st.lists(TEXT, min_size=1, max_size=4), data=st.data())
def test_any_run_of_cjk_characters_in_a_text_finds_its_document(make_doc, find, texts, data):
    documents = [make_doc(text) for text in texts]
    index = data.draw(st.integers(0, len(texts) - 1))
    text = texts[index]
    runs = [run for run in _cjk_runs(text) if len(run) >= 2]
    if not runs:
        return
    run = data.draw(st.sampled_from(runs))
    start = data.draw(st.integers(0, len(run) - 2))
    end = data.draw(st.integers(start + 2, len(run)))
    needle = run[start:end]
    result = find(needle, page_size=100)
    assert documents[index].id in ids(result), needle
    # and only documents whose text (or title, customer, …) holds it
    for hit in result.hits:
        assert needle in hit.document.versions.last().text + "文档上海ABC贸易有限公司"


def _cjk_runs(text: str) -> list[str]:
    import re

    return re.findall(f"[{HANZI}]+", text)


@pytest.mark.parametrize("needle", ["定的", "易有限", "甲方", "定的甲", "合同由双方约定"])
def test_runs_that_cross_word_boundaries_are_found(
    every_path, make_doc, find, other_customer, needle
):
    document = make_doc("本合同由双方约定的甲方上海ABC贸易有限公司签订", customer=other_customer)
    make_doc("其他文本，与之无关", customer=other_customer)
    assert ids(find(needle)) == {document.id}


def test_characters_in_the_right_order_only(make_doc, find, other_customer):
    make_doc("有限公司在贸易中", customer=other_customer)  # 贸易 and 有限, never 易有限
    assert ids(find("易有限")) == set()


def test_a_single_character_finds_documents_wherever_it_stands(
    every_path, make_doc, find, other_customer
):
    def make(text):
        return make_doc(text, customer=other_customer)

    start, middle, end, alone = (
        make("司机签收"),
        make("本公司签收"),
        make("有限的公司"),
        make("A 司 B"),
    )
    make("无关文本")
    assert ids(find("司")) == {start.id, middle.id, end.id, alone.id}


def test_a_single_character_ranks_documents_by_how_much_they_hold_it(make_doc, find):
    often = make_doc("合同 合同 合同", title="合同")
    once = make_doc("双方合作", title="说明")
    assert [h.document.id for h in find("合").hits] == [often.id, once.id]


def test_title_customer_tags_and_notes_are_searched(every_path, make_doc, find, other_customer):
    by_title = make_doc("x", title="年度框架协议")
    by_tags = make_doc("x", tags=["重要客户"])
    by_notes = make_doc("x", notes="原件存放于三号柜")
    by_customer = make_doc("x", customer=other_customer)
    assert ids(find("框架协")) == {by_title.id}
    assert ids(find("要客")) == {by_tags.id}
    assert ids(find("三号柜")) == {by_notes.id}
    assert ids(find("星河科技")) == {by_customer.id}


def test_codes_amounts_and_credit_codes_match_exactly(every_path, make_doc, find):
    document = make_doc(
        "合同编号 HT-2023-0101，金额 ¥128,000.00，统一社会信用代码 91310000MA1K4G8P2X"
    )
    other = make_doc("合同编号 HT-2023-0102，金额 ¥28,000.00")
    assert ids(find("HT-2023-0101")) == {document.id}
    assert ids(find("ht-2023-0101")) == {document.id}
    assert ids(find("¥128,000.00")) == {document.id}
    assert ids(find("128,000.00")) == {document.id}
    assert ids(find("91310000MA1K4G8P2X")) == {document.id}
    assert ids(find("2023")) == {document.id, other.id}


def test_full_width_text_and_queries_are_normalised(make_doc, find):
    document = make_doc("合同编号ＨＴ－２０２３－０１０１，客户ＡＢＣ")
    assert ids(find("HT-2023-0101")) == {document.id}
    assert ids(find("ａｂｃ")) == {document.id}


def test_english_words_are_case_insensitive_and_prefixes_need_a_star(make_doc, find):
    document = make_doc("Payment Terms: the Buyer shall pay within 30 days")
    assert ids(find("payment")) == {document.id}
    assert ids(find("PAYMENT terms")) == {document.id}
    assert ids(find("pay*")) == {document.id}
    assert ids(find("paym")) == set()


def test_a_long_document_is_found_by_a_phrase_near_its_end(make_doc, find):
    filler = "甲乙丙丁戊己庚辛壬癸" * 2500  # 25,000 characters: past a tsvector's positions
    document = make_doc(filler + "违约金按日万分之五计算")
    assert ids(find("万分之五")) == {document.id}
    assert ids(find("违约金")) == {document.id}
    assert ids(find("癸违约")) == {document.id}
    assert ids(find("五违约")) == set()
