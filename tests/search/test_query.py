"""docket.search.query.parse: the search box's language. Terms, phrases, prefixes, AND/OR/NOT,
parentheses, field filters and one date expression; whatever is malformed is repaired and
reported in notices, and nothing the user types makes it raise."""

import datetime
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docket.search.dates import DateRange
from docket.search.query import (
    FIELDS,
    MAX_QUERY_CHARS,
    And,
    FieldFilter,
    Node,
    Not,
    Or,
    ParsedQuery,
    Term,
    parse,
)
from docket.search.tokens import tokenize

TODAY = datetime.date(2026, 11, 22)
LAST_MONTH = (datetime.date(2026, 10, 1), datetime.date(2026, 10, 31))


def t(text: str, *, quoted: bool = False, prefix: bool = False) -> Term:
    return Term(text, tuple(tokenize(text)), quoted, prefix)


def q(text: str) -> Term:
    return t(text, quoted=True)


def parsed(raw: str) -> ParsedQuery:
    return parse(raw, TODAY)


# --- grammar --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expr"),
    [
        ("合同", t("合同")),
        ("上海 合同", And((t("上海"), t("合同")))),
        ("上海\u3000合同", And((t("上海"), t("合同")))),  # a full-width space separates too
        ("上海 AND 合同", And((t("上海"), t("合同")))),
        ("合同 OR 协议", Or((t("合同"), t("协议")))),
        ("合同 或 协议", Or((t("合同"), t("协议")))),
        ("合同 或者 协议", Or((t("合同"), t("协议")))),
        ("合同 | 协议", Or((t("合同"), t("协议")))),
        ("合同或协议", t("合同或协议")),  # 或 inside a word is just a character
        ("合同 -草稿", And((t("合同"), Not(t("草稿"))))),
        ("合同 NOT 草稿", And((t("合同"), Not(t("草稿"))))),
        ("NOT 草稿", Not(t("草稿"))),
        ("合同 and 协议", And((t("合同"), t("and"), t("协议")))),  # lower case: ordinary words
        ("合同 or not", And((t("合同"), t("or"), t("not")))),
        ("HT-2023-0101", t("HT-2023-0101")),  # a '-' inside a word is part of it
        ("-AND", Not(t("AND"))),  # after '-' a word is a term
    ],
)
def test_terms_and_operators(raw: str, expr: Node) -> None:
    assert parsed(raw) == ParsedQuery(expr, (), None, ())


@pytest.mark.parametrize(
    ("raw", "expr"),
    [
        # NOT binds tighter than AND, AND tighter than OR
        ("上海 合同 OR 协议", Or((And((t("上海"), t("合同"))), t("协议")))),
        ("合同 OR 协议 上海", Or((t("合同"), And((t("协议"), t("上海")))))),
        ("NOT 草稿 合同", And((Not(t("草稿")), t("合同")))),
        ("合同 OR NOT 草稿", Or((t("合同"), Not(t("草稿"))))),
        ("(合同 OR 协议) 上海", And((Or((t("合同"), t("协议"))), t("上海")))),
        ("上海 (合同 OR 协议)", And((t("上海"), Or((t("合同"), t("协议")))))),
        ("-(合同 OR 协议)", Not(Or((t("合同"), t("协议"))))),
        ("（合同 OR 协议）上海", And((Or((t("合同"), t("协议"))), t("上海")))),  # full-width
        # simplification: single children collapse, nested And/Or flatten, double NOT cancels
        ("((合同))", t("合同")),
        ("上海 (合同 协议)", And((t("上海"), t("合同"), t("协议")))),
        ("甲 OR (乙 OR 丙)", Or((t("甲"), t("乙"), t("丙")))),
        ("NOT NOT 合同", t("合同")),
        ("NOT (NOT 合同)", t("合同")),
        ("--合同", t("合同")),
    ],
)
def test_precedence_grouping_and_simplification(raw: str, expr: Node) -> None:
    assert parsed(raw) == ParsedQuery(expr, (), None, ())


@pytest.mark.parametrize(
    ("raw", "expr"),
    [
        ('"上海ABC 贸易"', q("上海ABC 贸易")),
        ("“年度 合同”", q("年度 合同")),
        ("「年度合同」", q("年度合同")),
        ("＂年度合同＂", q("年度合同")),  # full-width ASCII quotes
        ('"合同 OR 协议"', q("合同 OR 协议")),  # no operators inside a phrase
        ('"type:发票"', q("type:发票")),  # nor fields
        ('"上个月"', q("上个月")),  # nor dates: a phrase is never "understood"
        ('-"草稿 合同"', Not(q("草稿 合同"))),
        ('合同"草稿"', And((t("合同"), q("草稿")))),  # a quote starts a phrase inside a word
        ('"合同*"', q("合同*")),  # no prefix inside quotes
    ],
)
def test_quoted_phrases(raw: str, expr: Node) -> None:
    assert parsed(raw) == ParsedQuery(expr, (), None, ())


@pytest.mark.parametrize(
    ("raw", "expr"),
    [
        ("contr*", t("contr", prefix=True)),
        ("CONTR*", t("CONTR", prefix=True)),  # text as typed; the tokens are case-folded
        ("合同*", t("合同", prefix=True)),
        ("合同**", t("合同", prefix=True)),
        ("合*同", t("合*同")),  # a '*' elsewhere is just a character
        ("*合同", t("*合同")),
    ],
)
def test_a_trailing_star_makes_a_prefix_term(raw: str, expr: Node) -> None:
    assert parsed(raw) == ParsedQuery(expr, (), None, ())


def test_term_text_is_nfkc_normalised_and_tokens_come_from_the_tokenizer() -> None:
    assert parsed("ＡＢＣ１２３").expr == Term("ABC123", ("abc123",))
    assert parsed("上海贸易").expr == Term("上海贸易", ("上海", "海贸", "贸易"))


# --- fields ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "fields"),
    [
        ("customer:上海ABC", (FieldFilter("customer", "上海ABC"),)),
        ('customer:"上海ABC 贸易"', (FieldFilter("customer", "上海ABC 贸易"),)),
        ("customer:“上海ABC 贸易”", (FieldFilter("customer", "上海ABC 贸易"),)),
        ("Type:发票", (FieldFilter("type", "发票"),)),
        ("TAG:重要", (FieldFilter("tag", "重要"),)),
        ("-type:发票", (FieldFilter("type", "发票", negated=True),)),
        ("NOT type:发票", (FieldFilter("type", "发票", negated=True),)),
        ("客户：上海ABC", (FieldFilter("customer", "上海ABC"),)),  # full-width colon
        ("客户:上海ABC", (FieldFilter("customer", "上海ABC"),)),
        ("类型:合同", (FieldFilter("type", "合同"),)),
        ("标签:重要", (FieldFilter("tag", "重要"),)),
        ("状态:已归档", (FieldFilter("status", "已归档"),)),
        ("日期:上个月", (FieldFilter("date", "上个月"),)),
        ("上传:2023", (FieldFilter("created", "2023"),)),
        ("上传人:张伟", (FieldFilter("by", "张伟"),)),
        ("uploader:zhangwei", (FieldFilter("by", "zhangwei"),)),
        ("编号:A-0001", (FieldFilter("number", "A-0001"),)),
        ("archive:A-0001", (FieldFilter("number", "A-0001"),)),
        ("status:active by:李娜", (FieldFilter("status", "active"), FieldFilter("by", "李娜"))),
        ("date:2023-01..2023-03", (FieldFilter("date", "2023-01..2023-03"),)),
        ("created:>=2023-01-01", (FieldFilter("created", ">=2023-01-01"),)),
        ("number:HT:2023", (FieldFilter("number", "HT:2023"),)),
    ],
)
def test_field_filters_are_taken_out_of_the_text(raw: str, fields: tuple[FieldFilter]) -> None:
    assert parsed(raw) == ParsedQuery(None, fields, None, ())


def test_fields_and_text_combine() -> None:
    result = parsed("客户:上海ABC 年度 合同 -type:发票")
    assert result.expr == And((t("年度"), t("合同")))
    assert result.fields == (
        FieldFilter("customer", "上海ABC"),
        FieldFilter("type", "发票", negated=True),
    )


def test_every_field_and_alias_maps_to_a_known_field() -> None:
    for raw in ["customer", "type", "tag", "status", "date", "created", "by", "number"]:
        assert parsed(f"{raw}:2023").fields[0].field in FIELDS


@pytest.mark.parametrize("raw", ["foo:bar", "HT:2023", "合同:2023", "http://abc.com", "10:30"])
def test_an_unknown_field_is_ordinary_text(raw: str) -> None:
    assert parsed(raw) == ParsedQuery(t(raw), (), None, ())


@pytest.mark.parametrize("raw", ["type:", "type：", 'type:""', "客户: 上海"])
def test_a_field_with_an_empty_value_is_dropped_with_a_notice(raw: str) -> None:
    result = parsed(raw)
    assert result.fields == ()
    assert any("with no value" in notice for notice in result.notices)


def test_a_dropped_negated_field_negates_nothing() -> None:
    assert parsed("-type: 合同").expr == t("合同")


def test_an_invalid_date_field_is_dropped_with_the_reason() -> None:
    result = parsed("date:2023-13 合同")
    assert result.fields == ()
    assert result.expr == t("合同")
    assert result.notices == ("ignored date:2023-13: month 13 is out of range (1-12)",)


@pytest.mark.parametrize("raw", ["合同 OR type:发票", "(type:发票 合同)"])
def test_a_field_inside_or_or_parentheses_applies_to_the_whole_query(raw: str) -> None:
    result = parsed(raw)
    assert result.expr == t("合同")
    assert result.fields == (FieldFilter("type", "发票"),)
    assert "type:发票 applies to the whole query, not inside OR or parentheses" in result.notices


# --- dates ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expr"),
    [
        ("上个月 ABC 的合同", And((t("ABC"), t("的合同")))),
        ("上个月ABC的合同", t("ABC的合同")),
        ("ABC上个月的合同", And((t("ABC"), t("的合同")))),
        ("合同 上个月", t("合同")),
        ("last month report", t("report")),
        ("上个月 合同 OR 协议", Or((t("合同"), t("协议")))),
    ],
)
def test_a_date_expression_in_the_bare_text_becomes_the_date(raw: str, expr: Node) -> None:
    result = parsed(raw)
    assert result.expr == expr
    assert result.date is not None
    assert (result.date.start, result.date.end) == LAST_MONTH


def test_only_the_first_date_expression_is_taken() -> None:
    result = parsed("上个月 去年 合同")
    assert result.date == DateRange(*LAST_MONTH, "上个月")
    assert result.expr == And((t("去年"), t("合同")))


@pytest.mark.parametrize(
    ("raw", "expr"),
    [
        ('"上个月" 合同', And((q("上个月"), t("合同")))),  # quoted
        ("-上个月 合同", And((Not(t("上个月")), t("合同")))),  # negated
        ("customer:上个月 合同", t("合同")),  # a field value
        ("HT-2023-0101", t("HT-2023-0101")),  # bare ISO dates are document text
        ("2023 合同", And((t("2023"), t("合同")))),
    ],
)
def test_quoted_negated_and_field_text_is_not_read_as_a_date(raw: str, expr: Node) -> None:
    result = parsed(raw)
    assert result.expr == expr
    assert result.date is None


def test_a_date_only_query_has_no_text_condition_and_no_notice() -> None:
    assert parsed("上个月") == ParsedQuery(None, (), DateRange(*LAST_MONTH, "上个月"), ())


# --- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expr", "notice"),
    [
        ('"上海ABC 贸易', q("上海ABC 贸易"), "unbalanced quote closed at the end"),
        ("合同 “年度", And((t("合同"), q("年度"))), "unbalanced quote closed at the end"),
        ("「年度", q("年度"), "unbalanced quote closed at the end"),
        ("OR 合同", t("合同"), "ignored OR with no term before it"),
        ("合同 OR", t("合同"), "ignored OR with no term after it"),
        ("合同 AND", t("合同"), "ignored AND with no term after it"),
        ("合同 NOT", t("合同"), "ignored NOT with no term after it"),
        ("合同 OR OR 协议", Or((t("合同"), t("协议"))), "ignored OR with no term before it"),
        ("合同 AND OR 协议", And((t("合同"), t("协议"))), "ignored OR with no term before it"),
        ("合同 - 协议", And((t("合同"), t("协议"))), "ignored a '-' with nothing after it"),
        ("合同 ()", t("合同"), "ignored empty parentheses"),
        ("合同 () OR 协议", Or((t("合同"), t("协议"))), "ignored empty parentheses"),
        ("合同 OR () 协议", Or((t("合同"), t("协议"))), "ignored empty parentheses"),
        ("(合同 OR)", t("合同"), "ignored OR with no term after it"),
        ("((合同", t("合同"), "unclosed parenthesis closed at the end"),
        ("合同))", t("合同"), "unmatched ')' ignored"),
        (")合同(", t("合同"), "unmatched ')' ignored"),
        ("合同 😀", t("合同"), None),  # a term with no tokens is dropped silently
        ("合同 ^^ 协议", And((t("合同"), t("协议"))), None),
        ("合同 OR 😀", t("合同"), "ignored OR with no term after it"),
        ("合\x00同", t("合同"), None),  # NULs (pypdf puts them in copied text) are removed
        ("合同\x07\x1b协议", t("合同协议"), None),
        ("合同\t\n协议", And((t("合同"), t("协议"))), None),
    ],
)
def test_malformed_queries_are_repaired_with_a_notice(
    raw: str, expr: Node, notice: str | None
) -> None:
    result = parsed(raw)
    assert result.expr == expr
    if notice is None:
        assert result.notices == ()
    else:
        assert notice in result.notices


@pytest.mark.parametrize(
    "raw",
    ['"', "*", "^", ":", "(", ")", "-", '"*^:()-', "*^", ":::", "-(", ")(", "-:", '"("', "((()))"]
    + ["AND", "OR", "NOT", "AND OR NOT", "或", "|", "- -", "😀", "😀🎉", "，。！", "type:"],
)
def test_operators_and_punctuation_alone_leave_nothing_to_search_for(raw: str) -> None:
    result = parsed(raw)
    assert result.expr is None
    assert result.fields == ()
    assert result.date is None
    assert "nothing to search for" in result.notices


def test_a_term_with_nothing_searchable_is_named_when_it_leaves_nothing() -> None:
    assert parsed("😀").notices == (
        'ignored "😀": no letters or digits to search for',
        "nothing to search for",
    )


def test_a_long_unsearchable_term_is_shortened_in_the_notice() -> None:
    assert 'ignored "((((((((((((((((((((…": no letters or digits to search for' in (
        parsed('"' + "(" * 500).notices
    )


@pytest.mark.parametrize("raw", ["", " ", "\u3000\u3000", "\t\n", "\x00"])
def test_an_empty_query_is_empty_without_a_notice(raw: str) -> None:
    assert parsed(raw) == ParsedQuery(None, (), None, ())


def test_a_long_query_is_cut_with_a_notice() -> None:
    raw = "合同 " * 5000
    started = time.perf_counter()
    result = parsed(raw)
    assert time.perf_counter() - started < 5.0  # a blow-up guard, not a speed test
    assert "query cut to 1000 characters" in result.notices
    assert isinstance(result.expr, And)
    assert len(result.expr.nodes) == MAX_QUERY_CHARS // 3 + 1  # "合同 " is 3 characters


def test_control_characters_do_not_count_towards_the_limit() -> None:
    assert parsed("\x00" * 2000 + "合同").notices == ()


@pytest.mark.parametrize(
    "raw",
    [
        "(" * 400 + "合同" + ")" * 400,
        "(" * 2000 + "合同" + ")" * 2000,
        "(" * 10000,
        ")" * 10000,
        "NOT " * 3000 + "合同",
        "合同 OR " * 2000,
        '"' * 10001,
        "-" * 10000,
        "(合同 OR " * 300,
    ],
)
def test_pathological_queries_parse_without_blowing_up(raw: str) -> None:
    started = time.perf_counter()
    parsed(raw)
    # Not a speed test (make bench measures speed): a quadratic or exponential parse of these
    # takes minutes; a busy CI machine a fraction of a second.
    assert time.perf_counter() - started < 5.0


def test_nesting_deeper_than_the_limit_is_flattened_with_a_notice() -> None:
    result = parsed("(" * 400 + "合同 OR 协议" + ")" * 400 + " 上海")
    assert result.expr == And((Or((t("合同"), t("协议"))), t("上海")))
    assert result.notices == ("parentheses nested deeper than 20 levels flattened",)


def test_flattening_keeps_the_structure_of_shallow_groups() -> None:
    raw = "(" * 30 + "甲 OR 乙" + ")" * 30 + " (丙 OR 丁)"
    assert parsed(raw).expr == And((Or((t("甲"), t("乙"))), Or((t("丙"), t("丁")))))


# --- properties -----------------------------------------------------------------------------------

_PIECES = ["AND", "OR", "NOT", "或", "|", "-", "(", ")", '"', "“", "」", "*", ":", "type:"]
_PIECES += ["客户：", "上个月", "2023年", "Q1", "合同", "上海ABC", "😀", "\x00", "\u3000", " "]
_PIECES += ["date:2023-13", "date:上个月"]


def _terms(node: Node | None) -> list[Term]:
    if node is None:
        return []
    if isinstance(node, Term):
        return [node]
    if isinstance(node, Not):
        assert not isinstance(node.node, Not)
        return _terms(node.node)
    assert len(node.nodes) >= 2
    assert not any(type(child) is type(node) for child in node.nodes)
    return [term for child in node.nodes for term in _terms(child)]


@settings(database=None, max_examples=300)
@given(st.text(max_size=200) | st.lists(st.sampled_from(_PIECES), max_size=40).map("".join))
def test_parse_never_raises_and_every_term_has_tokens(raw: str) -> None:
    result = parse(raw, TODAY)
    for term in _terms(result.expr):
        assert term.tokens
        assert term.tokens == tuple(tokenize(term.text))
    assert all(field.field in FIELDS for field in result.fields)
