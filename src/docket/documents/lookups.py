"""Finding a customer or document type from what a person types on the command line."""

from django.db.models import Q

from docket.core.errors import InvalidInput
from docket.customers.models import Customer
from docket.documents.models import DocumentType


def find_customer(text: str) -> Customer:
    text = text.strip()
    match = Q(code=text) | Q(name=text)
    if text.isdigit():
        match |= Q(id=int(text))
    found = list(Customer.objects.filter(match).exclude(status=Customer.Status.MERGED)[:2])
    if len(found) != 1:
        raise InvalidInput(f"unknown customer {text!r}" if not found else f"{text!r} is ambiguous")
    return found[0]


def find_document_type(text: str) -> DocumentType:
    text = text.strip()
    match = Q(name=text) | Q(code__iexact=text)
    if text.isdigit():
        match |= Q(id=int(text))
    found = DocumentType.objects.filter(match).first()
    if found is None:
        raise InvalidInput(f"unknown document type {text!r}")
    return found
