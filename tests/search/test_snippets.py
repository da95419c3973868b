"""Snippets (search/snippets.py): the window of a document's text with the most distinct words
of the query, marked; in one pass however often the words occur."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docket.search.snippets import _best_window, highlight_pattern, snippet

pytestmark = pytest.mark.django_db

CONTRACT = "甲方应于2023年1月1日前支付¥128,000.00，乙方负责交付。"


def every_window(text: str, spans: list[tuple[int, int]], width: int) -> tuple[int, int]:
    """The window each start would give, tried one by one (what _best_window must choose)."""
    best, best_score = None, -1
    for i, (a, _) in enumerate(spans):
        inside = [s for s in spans[i:] if s[1] - a <= width]
        score = len({text[x:y].casefold() for x, y in inside}) * 1000 + len(inside)
        if inside and score > best_score:
            best, best_score = (a, inside[-1][1]), score
    a, b = best or spans[0]
    slack = max(0, width - (b - a)) // 2
    start = max(0, a - slack)
    end = min(len(text), max(b, start + width))
    return max(0, min(start, end - width)), end


@given(
    text=st.text(alphabet="甲乙方ab ", max_size=400),
    words=st.lists(st.sampled_from(["甲方", "乙方", "ab", "b", "方"]), min_size=1, max_size=3),
    width=st.sampled_from([4, 20, 160]),
)
def test_the_one_pass_window_is_the_one_trying_every_window_would_choose(text, words, width):
    spans = [m.span() for m in highlight_pattern(words).finditer(text)]
    if spans:
        assert _best_window(text, spans, width) == every_window(text, spans, width)


def test_a_long_contract_saying_a_word_thousands_of_times_gets_its_snippet():
    text = "前言。" + CONTRACT * 6000 + "附件：甲方与乙方共同签署的补充协议。"
    shown = snippet(text, highlight_pattern(["乙方", "补充协议"]))
    assert "<mark>补充协议</mark>" in shown and "<mark>乙方</mark>" in shown


def test_a_match_longer_than_the_window_is_shown_whole():
    phrase = "本合同自双方签字盖章之日起生效" * 12  # 180 characters, more than a window
    shown = snippet("前文" + phrase + "后文", highlight_pattern([phrase]))
    assert shown == f"…<mark>{phrase}</mark>…"


def test_a_quoted_sentence_longer_than_a_snippet_finds_its_document(api, make_doc):
    sentence = "本合同自双方签字盖章之日起生效，" * 12
    document = make_doc("第一条 " + sentence + "第二条 其他约定")
    body = api.get("/api/search/", {"q": f'"{sentence}"'}).json()
    assert [hit["id"] for hit in body["results"]] == [document.id]
    assert "<mark>" in body["results"][0]["snippet_html"]
