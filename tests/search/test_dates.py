"""docket.search.dates: date expressions in a search query. find_date finds the first one in free
text (上个月ABC的合同) and leaves bare ISO dates and invalid dates alone; parse_date_value reads a
date: field, where ISO dates, ranges and comparisons are allowed as well."""

import datetime
import re

import pytest

from docket.search.dates import DateRange, find_date, parse_date_value

D = datetime.date
SUNDAY = D(2026, 11, 22)  # the week runs Monday 2026-11-16 to Sunday 2026-11-22
JANUARY = D(2026, 1, 15)  # a Thursday; last month and last year are in 2025


def found(text: str, today: datetime.date = SUNDAY) -> tuple[D | None, D | None]:
    rest, date = find_date(text, today)
    assert date is not None, text
    assert rest == ""
    assert date.text == text
    return date.start, date.end


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("今天", D(2026, 11, 22), D(2026, 11, 22)),
        ("昨天", D(2026, 11, 21), D(2026, 11, 21)),
        ("前天", D(2026, 11, 20), D(2026, 11, 20)),
        ("本周", D(2026, 11, 16), D(2026, 11, 22)),
        ("这周", D(2026, 11, 16), D(2026, 11, 22)),
        ("这个星期", D(2026, 11, 16), D(2026, 11, 22)),
        ("上周", D(2026, 11, 9), D(2026, 11, 15)),
        ("上个星期", D(2026, 11, 9), D(2026, 11, 15)),
        ("本月", D(2026, 11, 1), D(2026, 11, 30)),
        ("这个月", D(2026, 11, 1), D(2026, 11, 30)),
        ("上个月", D(2026, 10, 1), D(2026, 10, 31)),
        ("上月", D(2026, 10, 1), D(2026, 10, 31)),
        ("今年", D(2026, 1, 1), D(2026, 12, 31)),
        ("去年", D(2025, 1, 1), D(2025, 12, 31)),
        ("前年", D(2024, 1, 1), D(2024, 12, 31)),
        ("最近7天", D(2026, 11, 16), D(2026, 11, 22)),  # seven days ending today
        ("近三天", D(2026, 11, 20), D(2026, 11, 22)),
        ("过去十天", D(2026, 11, 13), D(2026, 11, 22)),
        ("最近30天", D(2026, 10, 24), D(2026, 11, 22)),
        ("近两天", D(2026, 11, 21), D(2026, 11, 22)),
        ("最近二十天", D(2026, 11, 3), D(2026, 11, 22)),
        ("2023年", D(2023, 1, 1), D(2023, 12, 31)),
        ("2023年3月", D(2023, 3, 1), D(2023, 3, 31)),
        ("2024年2月", D(2024, 2, 1), D(2024, 2, 29)),
        ("2023年3月5日", D(2023, 3, 5), D(2023, 3, 5)),
        ("2023年3月5号", D(2023, 3, 5), D(2023, 3, 5)),
        ("2023年第一季度", D(2023, 1, 1), D(2023, 3, 31)),
        ("2023年一季度", D(2023, 1, 1), D(2023, 3, 31)),
        ("第一季度", D(2026, 1, 1), D(2026, 3, 31)),  # this year
        ("一季度", D(2026, 1, 1), D(2026, 3, 31)),
        ("第二季度", D(2026, 4, 1), D(2026, 6, 30)),
        ("第三季度", D(2026, 7, 1), D(2026, 9, 30)),
        ("第四季度", D(2026, 10, 1), D(2026, 12, 31)),
        ("Q1", D(2026, 1, 1), D(2026, 3, 31)),
        ("q4", D(2026, 10, 1), D(2026, 12, 31)),
        ("2023Q1", D(2023, 1, 1), D(2023, 3, 31)),
        ("2023 Q2", D(2023, 4, 1), D(2023, 6, 30)),
        ("上半年", D(2026, 1, 1), D(2026, 6, 30)),
        ("下半年", D(2026, 7, 1), D(2026, 12, 31)),
        ("2023年下半年", D(2023, 7, 1), D(2023, 12, 31)),
    ],
)
def test_chinese_expressions_and_quarters_cover_whole_calendar_units(
    text: str, start: D, end: D
) -> None:
    assert found(text) == (start, end)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("today", D(2026, 11, 22), D(2026, 11, 22)),
        ("Yesterday", D(2026, 11, 21), D(2026, 11, 21)),
        ("this week", D(2026, 11, 16), D(2026, 11, 22)),
        ("LAST WEEK", D(2026, 11, 9), D(2026, 11, 15)),
        ("this month", D(2026, 11, 1), D(2026, 11, 30)),
        ("last month", D(2026, 10, 1), D(2026, 10, 31)),
        ("This Year", D(2026, 1, 1), D(2026, 12, 31)),
        ("last year", D(2025, 1, 1), D(2025, 12, 31)),
        ("last 7 days", D(2026, 11, 16), D(2026, 11, 22)),
        ("last  1 day", D(2026, 11, 22), D(2026, 11, 22)),
    ],
)
def test_english_expressions_are_case_insensitive(text: str, start: D, end: D) -> None:
    assert found(text) == (start, end)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("上个月", D(2025, 12, 1), D(2025, 12, 31)),
        ("last month", D(2025, 12, 1), D(2025, 12, 31)),
        ("去年", D(2025, 1, 1), D(2025, 12, 31)),
        ("上周", D(2026, 1, 5), D(2026, 1, 11)),
        ("本周", D(2026, 1, 12), D(2026, 1, 18)),
        ("最近30天", D(2025, 12, 17), D(2026, 1, 15)),
    ],
)
def test_relative_expressions_cross_the_year_boundary(text: str, start: D, end: D) -> None:
    assert found(text, JANUARY) == (start, end)


def test_the_week_of_new_years_day_starts_in_the_old_year() -> None:
    assert found("本周", D(2026, 1, 1)) == (D(2025, 12, 29), D(2026, 1, 4))
    assert found("昨天", D(2026, 1, 1)) == (D(2025, 12, 31), D(2025, 12, 31))


@pytest.mark.parametrize(
    ("text", "rest", "expression"),
    [
        ("上个月ABC的合同", "ABC的合同", "上个月"),  # Chinese needs no spaces around it
        ("上个月 ABC 的合同", "ABC 的合同", "上个月"),
        ("合同上个月的", "合同 的", "上个月"),  # a space keeps 合同 and 的 apart
        ("合同   去年   发票", "合同 发票", "去年"),
        ("2023年3月5日签的合同", "签的合同", "2023年3月5日"),
        ("上海ABC 2023年第一季度 报表", "上海ABC 报表", "2023年第一季度"),
        ("report last month", "report", "last month"),
        ("Q1报表", "报表", "Q1"),
        ("上个月 去年", "去年", "上个月"),  # only the first expression
    ],
)
def test_the_expression_is_removed_and_the_whitespace_tidied(
    text: str, rest: str, expression: str
) -> None:
    remaining, date = find_date(text, SUNDAY)
    assert remaining == rest
    assert date is not None
    assert date.text == expression


@pytest.mark.parametrize(
    ("text", "expression"),
    [
        ("2023年3月5日", "2023年3月5日"),
        ("2023年3月合同", "2023年3月"),
        ("2023年合同", "2023年"),
        ("2023年12月31日", "2023年12月31日"),
        ("2023年第四季度", "2023年第四季度"),
        ("最近15天", "最近15天"),
    ],
)
def test_the_longest_expression_at_a_position_wins(text: str, expression: str) -> None:
    date = find_date(text, SUNDAY)[1]
    assert date is not None
    assert date.text == expression


@pytest.mark.parametrize(
    "text",
    [
        "HT-2023-0101",  # bare ISO dates and years are document text
        "2023",
        "2023-03-05",
        "2023-03",
        "合同 2023 上海",
        "FAQ1",  # Q1 and the English words must stand alone
        "Q12",
        "HT-Q1",
        "todays",
        "lastmonth",
        "20231季度",
        "上海ABC贸易有限公司",
        "",
    ],
)
def test_text_without_an_expression_is_returned_unchanged(text: str) -> None:
    assert find_date(text, SUNDAY) == (text, None)


@pytest.mark.parametrize(
    "text",
    ["2023年13月", "2023年2月30日", "2023年0月", "0000年", "最近0天", "last 0 days", "近十十天"],
)
def test_invalid_dates_are_left_alone_without_an_exception(text: str) -> None:
    assert find_date(text, SUNDAY) == (text, None)


def test_an_invalid_date_is_skipped_and_a_later_expression_found() -> None:
    rest, date = find_date("2023年2月30日 合同 上个月", SUNDAY)
    assert rest == "2023年2月30日 合同"
    assert date == DateRange(D(2026, 10, 1), D(2026, 10, 31), "上个月")


@pytest.mark.parametrize(
    ("value", "start", "end"),
    [
        ("2023", D(2023, 1, 1), D(2023, 12, 31)),
        ("2023-03", D(2023, 3, 1), D(2023, 3, 31)),
        ("2023-3", D(2023, 3, 1), D(2023, 3, 31)),
        ("2023-03-05", D(2023, 3, 5), D(2023, 3, 5)),
        ("2023/03/05", D(2023, 3, 5), D(2023, 3, 5)),
        ("２０２３－０３", D(2023, 3, 1), D(2023, 3, 31)),  # full-width, as typed with an IME
        ("2023年", D(2023, 1, 1), D(2023, 12, 31)),
        ("2023年3月", D(2023, 3, 1), D(2023, 3, 31)),
        ("2023年3月5日", D(2023, 3, 5), D(2023, 3, 5)),
        ("2023Q1", D(2023, 1, 1), D(2023, 3, 31)),
        ("上个月", D(2026, 10, 1), D(2026, 10, 31)),
        ("最近7天", D(2026, 11, 16), D(2026, 11, 22)),
        ("last week", D(2026, 11, 9), D(2026, 11, 15)),
        ("2023-01..2023-03", D(2023, 1, 1), D(2023, 3, 31)),
        ("2023-01-01..", D(2023, 1, 1), None),
        ("..2023-03-31", None, D(2023, 3, 31)),
        ("2023年..上个月", D(2023, 1, 1), D(2026, 10, 31)),
        (">2023-01-01", D(2023, 1, 2), None),
        (">=2023-01-01", D(2023, 1, 1), None),
        ("<2023-01-01", None, D(2022, 12, 31)),
        ("<=2023-01", None, D(2023, 1, 31)),
        (">2023", D(2024, 1, 1), None),
        (" >= 2023-03 ", D(2023, 3, 1), None),
    ],
)
def test_a_date_field_value_becomes_a_range(value: str, start: D | None, end: D | None) -> None:
    date = parse_date_value(value, SUNDAY)
    assert (date.start, date.end) == (start, end)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2023-13", "month 13 is out of range"),
        ("2023年13月", "month 13 is out of range"),
        ("2023-02-30", "day 30 is out of range for 2023-02"),
        ("2023年2月30日", "day 30 is out of range"),
        ("0000", "year 0 is out of range"),
        ("合同", "not a date"),
        ("2023-03-05 合同", "not a date"),
        ("", "empty date"),
        ("..", "at least one end"),
        ("2023-03..2023-01", "ends (2023-01-31) before it starts (2023-03-01)"),
        (">", "empty date"),
        ("><2023", "not a date"),
        (">9999-12-31", "no date is 1 day"),
        ("2023..2024..2025", "not a date"),
    ],
)
def test_a_bad_date_field_value_raises_a_clear_value_error(value: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_date_value(value, SUNDAY)


def test_the_range_keeps_the_value_as_text() -> None:
    assert parse_date_value(" 2023-01..2023-03 ", SUNDAY).text == "2023-01..2023-03"
