"""docket.ingest.fields: what a document's text says about itself. Each finder would rather miss
a value than invent one: check characters are verified, impossible dates dropped, bare numbers
are not money."""

import datetime
import random
import time
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docket.demo.phrases import rmb_upper, yuan
from docket.ingest.extract import born_digital_text as extract_text
from docket.ingest.fields import (
    CustomerMatcher,
    Fields,
    extract_fields,
    find_amounts,
    find_dates,
    id_check_char,
    is_valid_id_number,
    is_valid_uscc,
    mask_id,
    mask_phone,
    match_customers,
    parse_capitals,
    uscc_check_char,
)

D = datetime.date

# --- dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("签订日期：2023年1月1日", D(2023, 1, 1)),
        ("2023 年 12 月 31 日", D(2023, 12, 31)),
        ("2023年1月5号", D(2023, 1, 5)),
        ("2023-01-01", D(2023, 1, 1)),
        ("2023/1/1", D(2023, 1, 1)),
        ("2023.1.1", D(2023, 1, 1)),
        ("截止2023.1.15。", D(2023, 1, 15)),
        ("二〇二三年一月一日", D(2023, 1, 1)),
        ("二零二三年十二月三十一日", D(2023, 12, 31)),
        ("二〇二三年十月十日", D(2023, 10, 10)),
        ("二〇二三年五月廿一日", D(2023, 5, 21)),
        ("二〇二四年二月二十九日", D(2024, 2, 29)),  # a leap year
        ("２０２３年１月１日", D(2023, 1, 1)),  # full-width digits
    ],
)
def test_dates_in_every_notation(text: str, date: datetime.date) -> None:
    assert extract_fields(text).dates == [date]


@pytest.mark.parametrize(
    "text",
    [
        "2023-02-30",  # no such day
        "2023年2月29日",  # not a leap year
        "2023-13-01",
        "二〇二三年二月三十日",
        "二〇二三年十三月一日",
        "二〇二三年一月三十二日",
        "二〇二三年一月零日",
        "2023-1/5",  # two different separators
        "12023-01-01",  # a longer number
        "1899年1月1日",  # outside 1900-2099: more likely some other number
        "QM-HT-202205-650",
        "版本 1.2023.1.1",
    ],
)
def test_impossible_or_ambiguous_dates_are_ignored(text: str) -> None:
    assert find_dates(text) == []


def test_dates_come_in_order_each_once() -> None:
    text = "2023/1/1 签订，2022年5月29日起草，2023年1月1日生效"
    assert find_dates(text) == [D(2023, 1, 1), D(2022, 5, 29)]


def test_the_document_date_is_the_labelled_one() -> None:
    text = "委托期限：2023年4月24日至2024年4月23日\n日期：2023年4月25日"
    assert extract_fields(text).document_date == D(2023, 4, 25)


def test_without_a_label_the_document_date_is_the_first_date() -> None:
    assert extract_fields("2023年3月1日起至2023年4月1日").document_date == D(2023, 3, 1)


# --- amounts ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("合同金额：¥128,000.00", "128000.00"),
        ("￥128000", "128000.00"),
        ("RMB 128,000.00", "128000.00"),
        ("rmb128000", "128000.00"),
        ("CNY 1,000", "1000.00"),
        ("人民币128,000元", "128000.00"),
        ("128,000.00元", "128000.00"),
        ("12.8万元", "128000.00"),
        ("人民币12.8万元", "128000.00"),
        ("¥1.5亿", "150000000.00"),
        ("合计,,,,,,280000.00", "280000.00"),  # a spreadsheet's total row, exported to CSV
        ("金额：1,600", "1600.00"),
        ("人民币壹拾贰万捌仟元整", "128000.00"),
        ("（大写：人民币柒万陆仟柒佰陆拾元整）", "76760.00"),
        ("壹佰元伍角陆分", "100.56"),
        ("壹佰元零陆分", "100.06"),
        ("伍角", "0.50"),
        ("人民币零元整", "0.00"),
        ("壹仟零伍元整", "1005.00"),
        ("壹万零伍佰元整", "10500.00"),
        ("叁亿零伍万元整", "300050000.00"),
        ("壹万亿元整", "1000000000000.00"),
        ("拾万元整", "100000.00"),  # a leading 拾 means 壹拾
        ("壹佰圆整", "100.00"),  # 圆 for 元
        ("壹萬元整", "10000.00"),  # traditional 萬
        ("人民币壹拾玖万壹仟玖佰叁拾元伍角", "191930.50"),
    ],
)
def test_amounts(text: str, amount: str) -> None:
    assert find_amounts(text) == [Decimal(amount)]


@pytest.mark.parametrize(
    "text",
    [
        "5万人",  # a number with 万 but no money mark
        "2023年",
        "共50台",
        "序号,单价(元),金额(元)\n1,变频电机",  # a header cell does not take the next row's number
        "按日万分之五支付违约金",
        "元旦",
        "壹仟伍元",  # 1005 or 1500? refused
        "壹佰伍元",
        "伍伍元",
        "元整",
        "零分",
    ],
)
def test_not_amounts(text: str) -> None:
    assert find_amounts(text) == []


@given(st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False))
def test_capitals_written_by_the_demo_generator_read_back(amount: Decimal) -> None:
    assert parse_capitals(rmb_upper(amount)) == amount


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False))
def test_yuan_written_by_the_demo_generator_reads_back(amount: Decimal) -> None:
    assert find_amounts(yuan(amount)) == [amount]


def test_largest_amount_is_the_likely_total() -> None:
    text = "单价 ¥960.00 × 20 = ¥19,200.00\n合计：¥19,200.00 税额：¥2,496.00 价税合计：¥21,696.00"
    assert extract_fields(text).largest_amount == Decimal("21696.00")


# --- reference numbers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "contracts", "archives"),
    [
        ("合同编号：XS2023-018", ["XS2023-018"], []),
        ("合同编号:QM-HT-202205-650", ["QM-HT-202205-650"], []),
        ("合同号 HT-2023-0001。", ["HT-2023-0001"], []),  # labelled: a contract number only
        ("协议编号：(2023)沪买字第12号", [], []),  # not a code this finder reads
        ("档号：HT-2023-0001", [], ["HT-2023-0001"]),
        ("本文件归档为 FP-2024-0012 号", [], ["FP-2024-0012"]),  # Docket's own pattern
        ("合同编号：待定", [], []),
        ("ABC-2023-01", [], []),  # sequence too short
        ("HT-2023-0001X", [], []),
        ("ht-2023-0001", [], []),  # archive codes are upper case
    ],
)
def test_contract_and_archive_numbers(text: str, contracts: list, archives: list) -> None:
    fields = extract_fields(text)
    assert (fields.contract_numbers, fields.archive_numbers) == (contracts, archives)


def test_invoice_numbers() -> None:
    assert extract_fields("发票号码:14344886\n开票日期").invoice_numbers == ["14344886"]


# --- 统一社会信用代码 ----------------------------------------------------------------------

# Worked by hand (GB 32100-2015: weights 3^i mod 31; A=10 … H=17, J=18 … N=22, P=23 … R=25,
# T=26, U=27, W=28, X=29, Y=30):
# 91350100M000100Y4: 9*1 + 1*3 + 3*9 + 5*27 + 0*19 + 1*26 + 0*16 + 0*17 + M(21)*20 + 0*29
#   + 0*25 + 0*13 + 1*8 + 0*24 + 0*10 + Y(30)*30 + 4*28 = 1640; 1640 mod 31 = 28; 31-28 = 3.
#   The code usually printed as the standard's example: 91350100M000100Y43.
# 91310000607216102: 9 + 3 + 27 + 27 + 6*20 + 7*25 + 2*13 + 1*8 + 6*24 + 1*10 + 2*28 = 605;
#   605 mod 31 = 16; 31-16 = 15 = F.
PUBLISHED_USCC = ["91350100M000100Y43", "91310000607216102F"]


@pytest.mark.parametrize("code", PUBLISHED_USCC)
def test_uscc_worked_by_hand(code: str) -> None:
    assert uscc_check_char(code[:17]) == code[17]
    assert is_valid_uscc(code)


def _random_uscc(rng: random.Random) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = rng.choice("159Y") + rng.choice("123") + f"{rng.randrange(10**6):06d}"
    body += "".join(rng.choice(alphabet) for _ in range(9))
    return body + uscc_check_char(body)


def test_generated_uscc_are_valid_and_found_in_text() -> None:
    rng = random.Random(32100)
    codes = [_random_uscc(rng) for _ in range(50)]
    assert all(is_valid_uscc(code) for code in codes)
    text = "\n".join(f"统一社会信用代码：{code}" for code in codes)
    assert extract_fields(text).uscc == codes


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y44",  # wrong check character
        "91350100M000100Y4",  # 17 characters
        "91350100M000100Y433",  # 19
        "9135010OM000100Y43",  # O is not in the alphabet (nor I, Z, S, V)
        "91S50100M000100Y43",
        "91350A00M000100Y43",  # the region code (positions 3-8) is digits
        "",
    ],
)
def test_invalid_uscc(code: str) -> None:
    assert not is_valid_uscc(code)
    assert extract_fields(f"代码：{code}。").uscc == []


def test_uscc_in_text_is_found_in_lower_case_and_not_inside_longer_codes() -> None:
    assert extract_fields("代码91350100m000100y43号").uscc == ["91350100M000100Y43"]
    assert extract_fields("X91350100M000100Y43").uscc == []


def test_uscc_check_char_refuses_characters_outside_the_alphabet() -> None:
    with pytest.raises(ValueError):
        uscc_check_char("91350100M000100I4")


# --- 居民身份证号 ------------------------------------------------------------------------

# Worked by hand (ISO 7064 MOD 11-2, weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, check
# "10X98765432"[sum mod 11]):
# 11010519491231002: 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167; 167 mod 11 = 2 -> X
#   (the standard's own example, GB 11643-1999).
# 44030419850615002: 28+36+0+15+0+16+2+9+48+15+0+54+10+25+0+0+4 = 262; 262 mod 11 = 9 -> 3.
PUBLISHED_IDS = ["11010519491231002X", "440304198506150023"]


@pytest.mark.parametrize("number", PUBLISHED_IDS)
def test_id_numbers_worked_by_hand(number: str) -> None:
    assert id_check_char(number[:17]) == number[17]
    assert is_valid_id_number(number)


def test_the_standards_1880_example_has_a_right_check_digit_but_no_living_holder() -> None:
    assert id_check_char("44052418800101001") == "4"
    assert not is_valid_id_number("440524188001010014")  # born before 1900: refused


def test_generated_id_numbers_are_valid_and_found_in_text() -> None:
    rng = random.Random(11643)
    numbers = []
    for _ in range(50):
        born = D(1930, 1, 1) + datetime.timedelta(days=rng.randrange(30_000))
        body = f"{rng.choice(['110105', '310101', '440304', '510107'])}{born:%Y%m%d}"
        body += f"{rng.randrange(1000):03d}"
        numbers.append(body + id_check_char(body))
    assert all(is_valid_id_number(n) for n in numbers)
    assert extract_fields("，".join(numbers)).id_numbers == numbers


@pytest.mark.parametrize(
    "number",
    [
        "110105194912310021",  # wrong check digit
        "11010519490230002" + id_check_char("11010519490230002"),  # 30 February
        "11010520990101002" + id_check_char("11010520990101002"),  # born in the future
        "01010519491231002" + id_check_char("01010519491231002"),  # region cannot start with 0
        "11010519491231002",  # 17 digits
        "11010519491231002XX",
        "1101051949123100 2X",
    ],
)
def test_invalid_id_numbers(number: str) -> None:
    assert not is_valid_id_number(number)
    assert extract_fields(f"身份证：{number}").id_numbers == []


def test_lower_case_x_is_accepted_and_normalised() -> None:
    assert extract_fields("身份证号11010519491231002x").id_numbers == ["11010519491231002X"]


def test_an_id_number_is_not_taken_for_a_mobile_number() -> None:
    number = "13010219900307" + "123"
    fields = extract_fields(f"身份证号码：{number}{id_check_char(number)}")
    assert fields.mobiles == [] and len(fields.id_numbers) == 1


# --- masks --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("310101199003071234", "3101**********1234"),
        ("11010519491231002X", "1101**********002X"),
        ("110105194912310021", "1101**********0021"),  # masked even when the check is wrong
        ("91350100M000100Y43", "9135************43"),
        ("  91350100M000100Y43 ", "9135************43"),
        ("12345678", "12****78"),
        ("abc", "***"),
        ("", ""),
    ],
)
def test_mask_id(value: str, masked: str) -> None:
    assert mask_id(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [("13812345678", "138****5678"), ("+86 138 1234 5678", "138****5678"), ("12345", "*****")],
)
def test_mask_phone(value: str, masked: str) -> None:
    assert mask_phone(value) == masked


# --- phones and e-mail --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "13812345678",
        "手机：138 1234 5678",
        "138-1234-5678",
        "+86 138 1234 5678",
        "+8613812345678",
        "(+86)13812345678",
        "0086-13812345678",
        "电话13812345678转",
        "１３８１２３４５６７８",
    ],
)
def test_mobile_numbers(text: str) -> None:
    assert extract_fields(text).mobiles == ["13812345678"]


@pytest.mark.parametrize(
    "text", ["12345678901", "1381234567", "138123456789", "订单号 9913812345678"]
)
def test_not_mobile_numbers(text: str) -> None:
    assert extract_fields(text).mobiles == []


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("电话：021-62345678", "021-62345678"),
        ("(021)62345678", "021-62345678"),
        ("（021）62345678", "021-62345678"),
        ("010 6234 5678", "010-62345678"),
        ("0571-87654321", "0571-87654321"),
        ("0571-8765432", "0571-8765432"),  # 4-digit area codes may have 7-digit numbers
        ("+86-21-62345678", "021-62345678"),
        ("021-62345678转808", "021-62345678-808"),
        ("021-62345678-808", "021-62345678-808"),
        ("客服热线 400-820-8820", "400-820-8820"),
        ("4008208820", "400-820-8820"),
    ],
)
def test_landlines(text: str, number: str) -> None:
    assert extract_fields(text).landlines == [number]


@pytest.mark.parametrize(
    "text", ["发票号码:14344886", "021-1234567", "0571-123", "62345678", "02112345678"]
)
def test_not_landlines(text: str) -> None:
    assert extract_fields(text).landlines == []


@pytest.mark.parametrize(
    ("text", "email"),
    [
        ("Wei.Zhang@ABC-Trade.COM.cn", "Wei.Zhang@abc-trade.com.cn"),
        ("邮箱li.na@qq.com谢谢", "li.na@qq.com"),
        ("联系 li@163.com。", "li@163.com"),
        ("ｗｅｉ＠ａｂｃ．ｃｏｍ", "wei@abc.com"),
    ],
)
def test_emails(text: str, email: str) -> None:
    assert extract_fields(text).emails == [email]


@pytest.mark.parametrize("text", ["a@b", "@qq.com", "user@.com", "user@qq.c"])
def test_not_emails(text: str) -> None:
    assert extract_fields(text).emails == []


# --- customers ----------------------------------------------------------------------------------

CUSTOMERS = [
    (1, "上海ABC贸易有限公司"),
    (2, "上海ABC贸易股份有限公司"),
    (3, "北京华信科技有限公司"),
    (4, "北京华信物流有限公司"),
    (5, "张伟"),
    (6, "深圳宏达集团有限公司"),
    (7, "鼎盛机电(苏州)有限公司"),
]


def _ranked(text: str) -> list[tuple[int, float]]:
    return [(m.customer_id, m.score) for m in match_customers(text, CUSTOMERS)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The full name; 上海ABC贸易股份有限公司's short form inside it is not a mention.
        ("甲方：上海ABC贸易有限公司", [(1, 1.0)]),
        ("甲方：上海ＡＢＣ贸易有限公司", [(1, 1.0)]),  # full-width
        ("甲方：上海 abc 贸易有限公司", [(1, 1.0)]),  # case and spaces
        ("上海ABC贸易股份有限公司", [(2, 1.0)]),
        ("上海ABC贸易", [(1, 0.9), (2, 0.9)]),  # the short name: both are candidates
        ("上海ABC贸易有限责任公司", [(1, 0.9), (2, 0.9)]),  # a legal form neither has
        ("ABC贸易的报价", [(1, 0.75), (2, 0.75)]),  # without the city
        ("北京华信项目沟通会议纪要", [(3, 0.6), (4, 0.6)]),  # city + brand
        ("深圳宏达集团", [(6, 0.9)]),
        ("苏州鼎盛机电", [(7, 0.9)]),  # (苏州) is not part of the name's core
        ("受托人：张伟", [(5, 1.0)]),
        ("杭州启明信息科技有限公司", []),  # our own company is not a customer
        ("", []),
    ],
)
def test_customer_matching(text: str, expected: list) -> None:
    assert _ranked(text) == expected


def test_a_person_is_matched_only_by_the_full_name() -> None:
    assert _ranked("张先生") == []


def test_an_ocr_misread_still_matches_with_a_lower_score() -> None:
    ranked = _ranked("甲方：上海ABC贸昜有限公司")  # 昜 for 易
    assert [c for c, _ in ranked] == [1, 2]
    assert all(0.6 < score < 0.9 for _, score in ranked)


def test_more_mentions_rank_first_among_equal_scores() -> None:
    text = "北京华信物流有限公司 与 北京华信科技有限公司；北京华信科技有限公司盖章"
    matches = match_customers(text, CUSTOMERS)
    assert [(m.customer_id, m.mentions) for m in matches] == [(3, 2), (4, 1)]


def test_a_matcher_is_reusable_and_extract_fields_takes_it() -> None:
    matcher = CustomerMatcher(CUSTOMERS)
    assert matcher.match("上海ABC贸易有限公司")[0].customer_id == 1
    assert (
        extract_fields("乙方：深圳宏达集团有限公司", customers=matcher).customers[0].customer_id
        == 6
    )


def test_no_customers_given_means_no_customer_found() -> None:
    assert extract_fields("上海ABC贸易有限公司").customers == []
    assert extract_fields("上海ABC贸易有限公司", customers=[]).customers == []


# --- whole documents ----------------------------------------------------------------------------


def test_a_contract_pdf(contract_pdf: bytes) -> None:
    text = extract_text(contract_pdf, "application/pdf")
    fields = extract_fields(text, customers=CUSTOMERS)
    assert fields.amounts == [Decimal("128000.00")]
    assert fields.document_date == D(2023, 1, 1)
    assert fields.customers[0].customer_id == 1


@pytest.mark.parametrize("text", ["", "   \n ", "\x00\x00", "😀" * 100])
def test_empty_text_gives_empty_fields(text: str) -> None:
    assert extract_fields(text, customers=CUSTOMERS) == Fields()


BACKTRACKING_BOUND = 15.0  # seconds


@pytest.mark.parametrize(
    "text",
    [
        "1," * 50_000,  # amount pattern: thousands separators with no end
        "合同编号：" + "A-" * 50_000,
        "9" * 100_000 + "年",
        "人民币" + "壹拾" * 20_000 + "元",
        "二〇" * 50_000,
        "@" + "a." * 50_000,
        bytes(range(256)).decode("latin-1") * 200,
    ],
)
def test_malformed_and_pathological_input_is_quick(text: str) -> None:
    start = time.perf_counter()
    extract_fields(text, customers=CUSTOMERS)
    # Not a speed test (make bench measures speed): catastrophic backtracking takes minutes
    # on these inputs, a busy CI machine at most a few seconds.
    assert time.perf_counter() - start < BACKTRACKING_BOUND


def test_one_megabyte_of_text_is_read_without_backtracking_blowup() -> None:
    page = (
        "购销合同\n合同编号：XS2023-018\n甲方：上海ABC贸易有限公司\n"
        "合同总金额：¥128,000.00（大写：人民币壹拾贰万捌仟元整）\n"
        "联系电话：138 1234 5678 邮箱：wei.zhang@abc.com 统一社会信用代码：91350100M000100Y43\n"
        "签订日期：2023年1月1日 二〇二三年一月一日 2023-02-30\n"
    )
    text = (page * (1_000_000 // len(page) + 1))[:1_000_000]
    start = time.perf_counter()
    fields = extract_fields(text, customers=CUSTOMERS)
    elapsed = time.perf_counter() - start
    assert fields.contract_numbers == ["XS2023-018"]
    assert fields.amounts == [Decimal("128000.00")]
    assert elapsed < BACKTRACKING_BOUND, f"{elapsed:.2f} s"
