"""Field extraction for the ingest pipeline: what a document's text says about itself (dates,
amounts, reference numbers, registration and identity numbers, phones, e-mails, the customer).

    fields = extract_fields(text, customers=[(1, "上海ABC贸易有限公司"), ...])
    fields.document_date, fields.amounts, fields.customers[0].customer_id

Everything is a suggestion for a person to confirm, so each finder prefers missing a value to
inventing one: check characters are verified, impossible dates dropped, bare numbers are not
money. Values come in order of first appearance, each once.

The text is NFKC-normalised first (as docket.documents.text.normalise does for stored text),
so full-width digits, letters, ￥ and ： need no special cases in the patterns."""

import datetime
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from docket.ingest.fields.amounts import amounts_in, find_amounts, parse_capitals
from docket.ingest.fields.contacts import find_emails, find_landlines, find_mobiles
from docket.ingest.fields.customers import (
    CustomerMatch,
    CustomerMatcher,
    match_customers,
    normalise_name,
)
from docket.ingest.fields.dates import date_hits, document_date, find_dates
from docket.ingest.fields.identifiers import (
    find_id_numbers,
    find_uscc,
    id_check_char,
    is_valid_id_number,
    is_valid_uscc,
    mask_id,
    mask_phone,
    uscc_check_char,
)
from docket.ingest.fields.numbers import (
    find_archive_numbers,
    find_contract_numbers,
    find_invoice_numbers,
)

__all__ = [
    "CustomerMatch",
    "CustomerMatcher",
    "Fields",
    "extract_fields",
    "find_amounts",
    "find_dates",
    "id_check_char",
    "is_valid_id_number",
    "is_valid_uscc",
    "mask_id",
    "mask_phone",
    "match_customers",
    "normalise_name",
    "parse_capitals",
    "uscc_check_char",
]


@dataclass(frozen=True)
class Fields:
    document_date: datetime.date | None = None  # the labelled date (签订日期：…), else the first
    dates: list[datetime.date] = field(default_factory=list)
    amounts: list[Decimal] = field(default_factory=list)  # yuan, two decimals
    contract_numbers: list[str] = field(default_factory=list)
    archive_numbers: list[str] = field(default_factory=list)
    invoice_numbers: list[str] = field(default_factory=list)
    uscc: list[str] = field(default_factory=list)  # 统一社会信用代码, check character verified
    id_numbers: list[str] = field(default_factory=list)  # 居民身份证号: sensitive, see mask_id
    mobiles: list[str] = field(default_factory=list)  # 11 digits
    landlines: list[str] = field(default_factory=list)  # 021-12345678, 400-820-8820
    emails: list[str] = field(default_factory=list)
    customers: list[CustomerMatch] = field(default_factory=list)  # best first

    @property
    def largest_amount(self) -> Decimal | None:
        """The likely total: contracts and invoices list items first and the total last, but
        the total is the largest either way."""
        return max(self.amounts, default=None)


def extract_fields(
    text: str,
    *,
    customers: list[tuple[int, str]] | CustomerMatcher | None = None,
) -> Fields:
    """Every field found in text. customers: (id, name) pairs to look for, or a prepared
    CustomerMatcher when many documents are matched against the same customers."""
    text = unicodedata.normalize("NFKC", text.replace("\x00", ""))
    if not text.strip():
        return Fields()
    matches: list[CustomerMatch] = []
    if isinstance(customers, CustomerMatcher):
        matches = customers.match(text)
    elif customers:
        matches = match_customers(text, customers)
    hits = date_hits(text)
    return Fields(
        document_date=document_date(text, hits),
        dates=list(dict.fromkeys(date for _, date in hits)),
        amounts=amounts_in(text),
        contract_numbers=find_contract_numbers(text),
        archive_numbers=find_archive_numbers(text),
        invoice_numbers=find_invoice_numbers(text),
        uscc=find_uscc(text),
        id_numbers=find_id_numbers(text),
        mobiles=find_mobiles(text),
        landlines=find_landlines(text),
        emails=find_emails(text),
        customers=matches,
    )
