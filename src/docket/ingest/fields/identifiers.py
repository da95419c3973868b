"""Registration numbers with check characters, and masks for showing them.

- 统一社会信用代码 (unified social credit code, GB 32100-2015): 18 characters from a 31-character
  alphabet (digits and upper-case letters without I, O, Z, S, V); positions 3-8 are the
  administrative-division code (digits); the 18th is a check character, mod 31, weights 3^i.
- 居民身份证号码 (resident identity number, GB 11643-1999): 17 digits and a check character
  (ISO 7064 MOD 11-2, X for 10); digits 7-14 are the holder's date of birth.

A code whose check character is wrong is not reported: it is a typo or a different number, and
a suggestion the user has to correct is worse than none."""

import datetime
import re

__all__ = [
    "find_id_numbers",
    "find_uscc",
    "id_check_char",
    "is_valid_id_number",
    "is_valid_uscc",
    "mask_id",
    "mask_phone",
    "uscc_check_char",
]

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {char: value for value, char in enumerate(USCC_ALPHABET)}
_USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 1, 3, 9, 27, 19, 26, 16, ...
_USCC_SHAPE = re.compile(f"[{USCC_ALPHABET}]{{2}}[0-9]{{6}}[{USCC_ALPHABET}]{{10}}")
_USCC_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])[0-9A-Za-z]{18}(?![0-9A-Za-z])")

_ID_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]  # 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, ...
_ID_CHECK = "10X98765432"  # indexed by the weighted sum mod 11
_ID_SHAPE = re.compile(r"[1-9]\d{16}[\dX]")
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def uscc_check_char(first17: str) -> str:
    """The check character for the first 17 characters of a credit code (GB 32100-2015, 4.3):
    31 - (sum of value * 3^i mod 31) mod 31, written in the code's own alphabet."""
    if len(first17) != 17 or any(c not in _USCC_VALUE for c in first17):
        raise ValueError("a credit code's first 17 characters come from 0-9 A-H J-N P-R T U W-Y")
    total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def is_valid_uscc(code: str) -> bool:
    code = code.strip().upper()
    return bool(_USCC_SHAPE.fullmatch(code)) and uscc_check_char(code[:17]) == code[17]


def id_check_char(first17: str) -> str:
    """The check character of an identity number (ISO 7064 MOD 11-2 over 17 digits)."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("an identity number's first 17 characters are digits")
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def is_valid_id_number(number: str, *, today: datetime.date | None = None) -> bool:
    """18 characters, a real date of birth not in the future, and the right check character."""
    number = number.strip().upper()
    if not _ID_SHAPE.fullmatch(number):
        return False
    try:
        born = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if not datetime.date(1900, 1, 1) <= born <= (today or datetime.date.today()):
        return False
    return id_check_char(number[:17]) == number[17]


def find_uscc(text: str) -> list[str]:
    found = (m.group().upper() for m in _USCC_IN_TEXT.finditer(text))
    return list(dict.fromkeys(code for code in found if is_valid_uscc(code)))


def find_id_numbers(text: str) -> list[str]:
    found = (m.group().upper() for m in _ID_IN_TEXT.finditer(text))
    return list(dict.fromkeys(n for n in found if is_valid_id_number(n)))


def _mask(value: str, head: int, tail: int) -> str:
    return value[:head] + "*" * (len(value) - head - tail) + value[len(value) - tail :]


def mask_id(value: str) -> str:
    """A number for someone without clearance to see it: identity numbers keep their region
    prefix and last four (3101**********1234), credit codes their first four and check pair
    (9131************XX). The length is kept: both are always 18 long, so it tells nothing.
    Anything else keeps at most a quarter of its characters at each end."""
    value = value.strip()
    if _ID_SHAPE.fullmatch(value.upper()):
        return _mask(value, 4, 4)
    if _USCC_SHAPE.fullmatch(value.upper()):
        return _mask(value, 4, 2)
    keep = min(4, len(value) // 4)
    return _mask(value, keep, keep)


def mask_phone(value: str) -> str:
    """138****5678: the operator prefix and the last four digits, as Chinese apps show it."""
    digits = re.sub(r"\D", "", value)
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if len(digits) < 8:
        return "*" * len(digits)
    return _mask(digits, 3, 4)
