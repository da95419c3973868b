"""Reads of customers that more than one caller needs."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from docket.access.models import Permission
from docket.access.rules import customers_q
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


def visible_customers(
    *, user: AbstractBaseUser, permission: str = Permission.VIEW
) -> QuerySet[Customer]:
    """Every read of customers that a page or API shows goes through here, so that the
    access rules (docket.access.rules) apply in one place."""
    return Customer.objects.filter(customers_q(user, permission))


def visible_document_count(user: AbstractBaseUser) -> Coalesce:
    """An annotation for customers: how many of their live documents the user may see (never
    counting the ones they may not)."""
    from docket.documents.selectors import visible_documents

    counts = (
        visible_documents(user=user, content=False)
        .filter(customer_id=OuterRef("pk"))
        .order_by()
        .values("customer_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(counts), 0)
