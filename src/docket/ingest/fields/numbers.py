"""Reference numbers: contract numbers (合同编号：XS2023-018), archive numbers (档号, or anything
shaped like Docket's own default pattern HT-2023-0001) and invoice numbers (发票号码).

Contract and invoice numbers are free-form (each company has its own scheme), so they are only
taken after their label. Archive numbers also have a fixed default shape, which is recognised
without a label; a labelled contract number is not reported again as an archive number."""

import re

__all__ = ["find_archive_numbers", "find_contract_numbers", "find_invoice_numbers"]

# A code: starts with a letter or digit, then letters, digits and - _ / . ( ); 2 to 40 long.
_CODE = r"(?P<code>[A-Za-z0-9][A-Za-z0-9\-_/.()]{1,39})"
_SEP = r"\s*[:：]?\s*"  # NFKC turns ： into :, but callers may pass raw text
_CONTRACT = re.compile(f"(?:合同编号|合同编码|合同号|协议编号|协议号|合同No\\.?){_SEP}{_CODE}")
_ARCHIVE_LABELLED = re.compile(f"(?:档号|档案号|档案编号|归档号){_SEP}{_CODE}")
_INVOICE = re.compile(f"(?:发票号码|发票号){_SEP}{_CODE}")
# {code}-{year}-{seq:04d}, documents.models.DEFAULT_NUMBER_PATTERN: HT-2023-0001.
_ARCHIVE_SHAPE = re.compile(r"(?<![A-Za-z0-9-])[A-Z]{1,10}-(?:19|20)\d{2}-\d{3,6}(?![A-Za-z0-9-])")


def _codes(pattern: re.Pattern[str], text: str) -> list[tuple[int, str]]:
    found = []
    for match in pattern.finditer(text):
        # A sentence may end right after the code: 编号为XS2023-018. / (HT-1)
        code = match.group("code").rstrip(".-_/(")
        if code.count(")") > code.count("("):
            code = code.rstrip(")")
        if any(c.isdigit() for c in code):
            found.append((match.start("code"), code))
    return found


def find_contract_numbers(text: str) -> list[str]:
    return list(dict.fromkeys(code for _, code in _codes(_CONTRACT, text)))


def find_invoice_numbers(text: str) -> list[str]:
    return list(dict.fromkeys(code for _, code in _codes(_INVOICE, text)))


def find_archive_numbers(text: str) -> list[str]:
    contracts = {position for position, _ in _codes(_CONTRACT, text)}
    found = _codes(_ARCHIVE_LABELLED, text)
    found += [(m.start(), m.group()) for m in _ARCHIVE_SHAPE.finditer(text)]
    return list(dict.fromkeys(code for pos, code in sorted(found) if pos not in contracts))
