"""Money amounts in yuan: ¥128,000.00, ￥128000, RMB 128,000.00, 人民币128,000元, 12.8万元, and
amounts in capitals as written on contracts and invoices (人民币壹拾贰万捌仟元整, 壹佰元伍角陆分).

A bare number is not an amount: it needs a currency mark before it (¥, RMB, CNY, 人民币), a
unit after it (元, 万元, 亿元), or a label that says it is money right before it (合计, 金额:
as in a spreadsheet exported to CSV, 合计,,,,,,280000.00). Capitals are parsed strictly
(壹仟伍 is refused rather than read as 1005 or 1500), because a wrong amount is worse than
none."""

import re
import unicodedata
from collections.abc import Iterator
from decimal import Decimal

__all__ = ["amounts_in", "find_amounts", "parse_capitals"]

CENT = Decimal("0.01")
_MULTIPLIER = {"万": Decimal(10**4), "亿": Decimal(10**8)}

# A number: with thousands separators or without, and decimals. Not followed by more digits.
_NUMBER = r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\d,]|\.\d)"
# Amounts are found from their anchors (a currency mark, 元, a label), which C-level search
# skips to, rather than by trying a pattern at every digit: on a busy 2-core machine, 0.03 s per
# megabyte against 0.18 s for one pattern with an optional currency mark in front.
# Spelled out rather than (?i:rmb|cny): an inline flag group costs the engine its fast scan
# for the first character (0.047 s against 0.012 s per megabyte).
_PREFIX = re.compile(r"¥|人民币|RMB|rmb|Rmb|CNY|cny|Cny")
_AFTER_PREFIX = re.compile(r"\s*" + _NUMBER + r"\s*(?P<unit>万元|亿元|元|万|亿)?")
_BEFORE_YUAN = re.compile(r"(?<![\d.,])" + _NUMBER + r"\s*(?P<unit>万|亿)?\s*\Z")
_LOOK_BACK = 48  # characters before 元 searched for its number
_DIGIT_OR_UNIT = set("0123456789万亿 ")
# Only spaces, colons and commas between label and number: a header cell 金额(元) at the end
# of a line must not take the next row's serial number.
_LABELLED = re.compile(
    r"(?:价税合计|合计|总计|总金额|总额|总价|金额|价款)(?:\(元\))?(?:\(小写\))?[ \t:,]*" + _NUMBER
)
_DIGITS = {"零": 0, "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9}
_SMALL_UNITS = {"拾": 1, "佰": 2, "仟": 3}
_VARIANTS = str.maketrans({"萬": "万", "億": "亿", "圆": "元", "圓": "元", "〇": "零", "貳": "贰"})
_CAPITALS = re.compile("[零〇壹贰貳叁肆伍陆柒捌玖拾佰仟万萬亿億元圆圓角分整正]+")
_CAPITAL_NUMERAL = re.compile("[零〇壹贰貳叁肆伍陆柒捌玖拾]")
_CAPITAL_UNIT = re.compile("[元圆圓角分]")
_FRACTION = re.compile(
    "零?(?:(?P<jiao>[零壹贰叁肆伍陆柒捌玖])角)?零?(?:(?P<fen>[壹贰叁肆伍陆柒捌玖])分)?"
)


def _value(number: str, unit: str | None) -> Decimal:
    value = Decimal(number.replace(",", "")) * _MULTIPLIER.get((unit or "")[:1], Decimal(1))
    return value.quantize(CENT)


def _numeric(text: str) -> Iterator[tuple[int, Decimal]]:
    for anchor in _PREFIX.finditer(text):
        before = text[anchor.start() - 1 : anchor.start()]
        if anchor.group()[0] in "RrCc" and before.isascii() and before.isalpha():
            continue  # RMB inside a longer Latin word
        if match := _AFTER_PREFIX.match(text, anchor.end()):
            yield anchor.start(), _value(match.group("num"), match.group("unit"))
    at = text.find("元")
    while at != -1:
        if text[at - 1 : at] not in _DIGIT_OR_UNIT:  # 元整, 单价(元): no number to look for
            at = text.find("元", at + 1)
            continue
        window = text[max(0, at - _LOOK_BACK) : at]
        if match := _BEFORE_YUAN.search(window):
            yield at - len(window) + match.start(), _value(match.group("num"), match.group("unit"))
        at = text.find("元", at + 1)


def _labelled(text: str) -> Iterator[tuple[int, Decimal]]:
    for match in _LABELLED.finditer(text):
        yield match.start("num"), _value(match.group("num"), None)


def _section(text: str) -> int | None:
    """A number below 10,000 in capitals (壹仟零伍拾); None when malformed."""
    value, previous, pending, zero = 0, 4, None, False
    for char in text:
        if char == "零":
            if pending is not None:
                return None  # 伍零: a digit with no unit
            zero = True
        elif char in _DIGITS:
            if pending is not None:
                return None  # 伍伍
            pending = _DIGITS[char]
        elif char in _SMALL_UNITS:
            power = _SMALL_UNITS[char]
            if pending is None and char == "拾" and value == 0 and not zero:
                pending = 1  # 拾万元: a leading 拾 means 壹拾
            # Units must fall; skipping a place (仟 to 拾) needs a 零 in between.
            if (
                pending is None
                or power >= previous
                or (previous - power > 1 and value and not zero)
            ):
                return None
            value += pending * 10**power
            previous, pending, zero = power, None, False
        else:
            return None
    if pending is not None:
        if previous > 1 and value and not zero:
            return None  # 壹佰伍: 105 or 150? refused
        value += pending
    return value


def _integer(text: str) -> int | None:
    """Any whole number in capitals, with 万 and 亿 sections (壹万亿, 叁亿零伍万)."""
    if "亿" in text:
        high, _, low = text.rpartition("亿")
        top = _integer(high) if high else None
        rest = _integer(low.lstrip("零")) if low.strip("零") else 0
        return None if top is None or rest is None or rest >= 10**8 else top * 10**8 + rest
    if "万" in text:
        high, _, low = text.partition("万")
        low_value = _section(low.lstrip("零")) if low.strip("零") else 0
        if low and low[0] != "零" and low in _DIGITS:
            return None  # 壹万伍: 15,000 in speech, 10,005 by the rules; refused
        top = _section(high) if high else None
        return None if top is None or low_value is None else top * 10**4 + low_value
    return _section(text) if text else None


def parse_capitals(text: str) -> Decimal | None:
    """人民币壹拾贰万捌仟元整 -> Decimal("128000.00"); None when it is not a well-formed amount."""
    text = text.translate(_VARIANTS).removeprefix("人民币")
    text = text.rstrip("整正")
    if "整" in text or "正" in text:
        return None
    whole_text, has_yuan, fraction = text.partition("元")
    if not has_yuan:
        whole_text, fraction = "", text
        if "角" not in fraction and "分" not in fraction:
            return None
    elif not whole_text:
        return None  # 元整 alone
    whole = _integer(whole_text) if whole_text else 0
    match = _FRACTION.fullmatch(fraction)
    if whole is None or match is None:
        return None
    jiao = _DIGITS.get(match.group("jiao") or "零", 0)
    fen = _DIGITS.get(match.group("fen") or "零", 0)
    return (Decimal(whole) + Decimal(jiao) / 10 + Decimal(fen) / 100).quantize(CENT)


def _capitals(text: str) -> Iterator[tuple[int, Decimal]]:
    parsed: dict[str, Decimal | None] = {}  # a long contract repeats its amount in capitals
    for match in _CAPITALS.finditer(text):
        run = match.group()
        if run not in parsed:
            # Needs a numeral and a money unit: 万分之五 and a lone 元 are words, not amounts.
            money = _CAPITAL_NUMERAL.search(run) and _CAPITAL_UNIT.search(run)
            parsed[run] = parse_capitals(run) if money else None
        if (value := parsed[run]) is not None:
            yield match.start(), value


def amounts_in(text: str) -> list[Decimal]:
    """find_amounts for text that is already NFKC-normalised."""
    found = sorted([*_numeric(text), *_labelled(text), *_capitals(text)], key=lambda hit: hit[0])
    return list(dict.fromkeys(value for _, value in found))


def find_amounts(text: str) -> list[Decimal]:
    """Every amount in text, in order of first appearance, each value once."""
    return amounts_in(unicodedata.normalize("NFKC", text))
