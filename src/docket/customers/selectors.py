"""Reads of customers that more than one caller needs."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet

from docket.customers.models import Customer
from docket.customers.pinyin import pinyin_key


def customers_matching(text: str) -> QuerySet[Customer]:
    """Customers a person could mean by text: the name or code contains it, or it starts the
    name's pinyin (`shanghai abc`) or initials (`shabc`). Merged customers are left out."""
    text = " ".join((text or "").split())
    if not text:
        return Customer.objects.none()
    match = Q(name__icontains=text) | Q(code__icontains=text)
    if key := pinyin_key(text):
        match |= Q(name_initials__startswith=key) if len(key) >= 2 else Q()
        match |= Q(name_pinyin__startswith=key) if len(key) >= 4 else Q()
    return Customer.objects.filter(match).exclude(status=Customer.Status.MERGED)


def visible_customers(*, user: AbstractBaseUser) -> QuerySet[Customer]:
    """Every read of customers that a page or API shows goes through here, so that access
    rules (issue 5) apply in one place."""
    return Customer.objects.all()
