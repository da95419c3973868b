"""docket.search.tokens.tokenize: CJK runs become overlapping bigrams, everything else lowercase
words and numbers, codes and amounts are kept whole as well as split, full-width is folded."""

import time

import pytest

from docket.search.tokens import TOKENIZER_VERSION, is_cjk, tokenize


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("上海贸易", ["上海", "海贸", "贸易"]),
        ("合同", ["合同"]),
        ("宋", ["宋"]),  # a run of one character is kept as it is
        ("A宋B", ["a", "宋", "b"]),
        ("合同HT合同", ["合同", "ht", "合同"]),  # bigrams never cross a non-CJK character
        ("合同。协议", ["合同", "协议"]),  # nor punctuation
        ("二〇二三", ["二〇", "〇二", "二三"]),  # 〇 is written inside Chinese numerals
        ("カタカナ", ["カタ", "タカ", "カナ"]),  # kana: written without spaces too
        ("𠀀𠀁", ["𠀀𠀁"]),  # CJK extension B, outside the BMP
    ],
)
def test_cjk_runs_become_overlapping_bigrams(text: str, tokens: list[str]) -> None:
    assert tokenize(text) == tokens


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("Hello WORLD", ["hello", "world"]),
        ("Straße", ["strasse"]),  # case folding, not just lower()
        ("2023", ["2023"]),
        ("안녕 세계", ["안녕", "세계"]),  # Hangul is written with spaces: words, not bigrams
    ],
)
def test_other_text_becomes_lowercase_words_and_numbers(text: str, tokens: list[str]) -> None:
    assert tokenize(text) == tokens


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("HT-2023-0101", ["ht-2023-0101", "ht", "2023", "0101"]),
        ("QM-HT-202205-650", ["qm-ht-202205-650", "qm", "ht", "202205", "650"]),
        ("wei.zhang@abc.com", ["wei.zhang@abc.com", "wei", "zhang", "abc", "com"]),
        ("2023-01-01", ["2023-01-01", "2023", "01", "01"]),
        ("1.5", ["1.5"]),  # a number: its value (see amounts)
    ],
)
def test_codes_are_kept_whole_and_split(text: str, tokens: list[str]) -> None:
    assert tokenize(text) == tokens


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("¥128,000.00", ["¥128000", "128000"]),
        ("¥128000", ["¥128000", "128000"]),
        ("128,000", ["128000"]),
        ("128000.50", ["128000.5"]),
        ("0101", ["0101"]),
        ("￥１２８，０００．００", ["¥128000", "128000"]),  # full-width, folded first
    ],
)
def test_numbers_become_their_value_however_written(text: str, tokens: list[str]) -> None:
    assert tokenize(text) == tokens


def test_full_width_letters_and_digits_fold_to_ascii() -> None:
    assert tokenize("ＡＢＣ１２３") == ["abc123"]
    assert tokenize("上海ＡＢＣ贸易") == tokenize("上海ABC贸易") == ["上海", "abc", "贸易"]


def test_a_realistic_line() -> None:
    assert tokenize("合同编号：HT-2023-0101，金额¥128,000.00元") == [
        *["合同", "同编", "编号", "ht-2023-0101", "ht", "2023", "0101"],
        *["金额", "¥128000", "128000", "元"],
    ]


def test_repeats_are_kept_for_term_frequency() -> None:
    assert tokenize("合同 合同") == ["合同", "合同"]


def test_nul_is_deleted_so_pypdf_text_still_makes_bigrams() -> None:
    # pypdf puts a NUL before each CJK character of some PDFs
    assert tokenize("\x00合\x00同") == ["合同"]


@pytest.mark.parametrize(
    "text",
    ["", "   \n\t", "😀😀", "合😀同", "\x01\x02\x7f", "\ud800", "\ufeff", "\u200b合同", "¥,.-@"],
)
def test_odd_input_does_not_crash_and_yields_no_junk(text: str) -> None:
    tokens = tokenize(text)
    assert all(t.strip() for t in tokens)
    assert not any("😀" in t or "\x01" in t for t in tokens)


def test_emoji_split_cjk_runs() -> None:
    assert tokenize("合😀同") == ["合", "同"]


def test_is_cjk() -> None:
    assert is_cjk("合") and is_cjk("〇") and not is_cjk("A") and not is_cjk("😀")


def test_version_is_an_integer_for_models_and_indexes_to_compare() -> None:
    assert isinstance(TOKENIZER_VERSION, int)


def test_one_megabyte_takes_well_under_a_few_seconds() -> None:
    text = ("甲方：上海ABC贸易有限公司 合同编号：HT-2023-0101 金额：¥128,000.00\n" * 20_000)[
        :1_000_000
    ]
    start = time.perf_counter()
    tokens = tokenize(text)
    assert time.perf_counter() - start < 3.0
    assert tokens.count("ht-2023-0101") >= 19_000
