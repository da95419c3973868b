"""Finding a customer or document type from what a person types on the command line."""

from django.db.models import Q
from django.utils.translation import gettext_noop as _

from docket.core.errors import InvalidInput
from docket.core.notices import Notice
from docket.customers.models import Customer
from docket.documents.models import DocumentType


def find_customer(text: str) -> Customer:
    text = text.strip()
    match = Q(code=text) | Q(name=text)
    if text.isdigit():
        match |= Q(id=int(text))
    found = list(Customer.objects.filter(match).exclude(status=Customer.Status.MERGED)[:2])
    if len(found) != 1:
        template = _("unknown customer %(text)s") if not found else _("%(text)s is ambiguous")
        raise InvalidInput(Notice(template, text=repr(text)))
    return found[0]


def find_document_type(text: str) -> DocumentType:
    text = text.strip()
    match = Q(name=text) | Q(code__iexact=text)
    if text.isdigit():
        match |= Q(id=int(text))
    found = DocumentType.objects.filter(match).first()
    if found is None:
        raise InvalidInput(Notice(_("unknown document type %(text)s"), text=repr(text)))
    return found
