"""Reads of customers that more than one caller needs."""

from collections.abc import Collection
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber

from docket.access.models import Permission, Scope
from docket.access.rules import customers_q, subject_for, team_and_below
from docket.core.errors import NotFound
from docket.customers.models import Contact, Customer
from docket.customers.pinyin import (
    FULL_MARK,
    FULL_TAIL,
    INITIALS_MARK,
    INITIALS_TAIL,
    pinyin_key,
)


def customers_matching(text: str) -> QuerySet[Customer]:
    """Customers a person could mean by text: the name or code contains it, or the name's
    pinyin (`shanghai abc`, `jinqiao` for 南京金桥…) or initials (`shabc`, `jq`) has it from a
    syllable's start. Merged customers are left out. One query: the name's `icontains`
    already reads every row, so the tails' `contains` adds no other plan."""
    text = " ".join((text or "").split())
    if not text:
        return Customer.objects.none()
    match = Q(name__icontains=text) | Q(code__icontains=text)
    if key := pinyin_key(text):
        if len(key) >= 2:  # one letter would be nearly every customer
            match |= _from_a_syllable(key, "name_initials", INITIALS_MARK, INITIALS_TAIL)
        if len(key) >= 4:  # fewer letters of pinyin mean little (`an`, `hai`)
            match |= _from_a_syllable(key, "name_pinyin", FULL_MARK, FULL_TAIL)
    return Customer.objects.filter(match).exclude(status=Customer.Status.MERGED)


def _from_a_syllable(key: str, whole: str, mark: str, kept: int) -> Q:
    """The key starts the name's `whole` form, or one of its stored tails (pinyin.name_tails);
    a key longer than a tail must also be in the whole form, so the cut tail is no loophole."""
    later = Q(name_tails__contains=mark + key[:kept])
    if len(key) > kept:
        later &= Q(**{f"{whole}__contains": key})
    return Q(**{f"{whole}__startswith": key}) | later


def visible_customers(
    *, user: AbstractBaseUser, permission: str = Permission.VIEW
) -> QuerySet[Customer]:
    """Every read of customers that a page or API shows goes through here, so that the
    access rules (docket.access.rules) apply in one place."""
    return Customer.objects.filter(customers_q(user, permission))


def customers_for_text(
    customers: QuerySet[Customer], text: str, *, limit: int = 20
) -> list[Customer]:
    """Up to `limit` of these customers that text may mean (customers_matching), the ones
    whose name or code is exactly the text first (`exact` on each), then by name; without
    text, the first by name. Merged customers are left out. One query."""
    text = " ".join((text or "").split())
    customers = customers.exclude(status=Customer.Status.MERGED).only("id", "name", "code")
    if not text:
        return list(customers.annotate(exact=Value(False)).order_by("name", "id")[:limit])
    named = Q(name=text) | Q(code__iexact=text)
    exact = Case(When(named, then=Value(True)), default=Value(False), output_field=BooleanField())
    matching = customers.filter(id__in=customers_matching(text).values("id")).annotate(exact=exact)
    return list(matching.order_by("-exact", "name", "id")[:limit])


def customer_suggestions(
    *, user: AbstractBaseUser, text: str, permission: str = Permission.VIEW, limit: int = 20
) -> list[Customer]:
    """What a customer picker offers for the typed text: customers the user may see (or,
    with permission=upload, file documents to) that the text may mean."""
    return customers_for_text(
        visible_customers(user=user, permission=permission), text, limit=limit
    )


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


# The customer pages (docket.web.views.customers) read through the functions below.

CUSTOMER_SORTS = {"name": ("name", "id"), "newest": ("-created_at", "-id")}


def customer_list(
    *,
    user: AbstractBaseUser,
    text: str = "",
    kind: str = "",
    tier: str = "",
    region: str = "",
    status: str = "",
    owner_id: int | None = None,
    team_id: int | None = None,
    sort: str = "name",
) -> QuerySet[Customer]:
    """The customers the user may see, filtered, with `document_count` (their visible
    documents) and the owner joined. `team_id`: owned by someone of that team or its
    sub-teams. Merged customers are left out unless `status` asks for them: they only point
    at the customer they were folded into."""
    customers = visible_customers(user=user)
    if text := " ".join((text or "").split()):
        customers = customers.filter(id__in=customers_matching(text).values("id"))
    filters = {"kind": kind, "tier": tier, "region": region, "owner_id": owner_id}
    customers = customers.filter(**{key: value for key, value in filters.items() if value})
    if team_id:
        customers = customers.filter(owned_by_teams(team_and_below(team_id)))
    if status:
        customers = customers.filter(status=status)
    else:
        customers = customers.exclude(status=Customer.Status.MERGED)
    return (
        customers.select_related("owner")
        .annotate(document_count=visible_document_count(user))
        .order_by(*CUSTOMER_SORTS.get(sort, CUSTOMER_SORTS["name"]))
    )


def owned_by_teams(team_ids: Collection[int]) -> Q:
    """Customers owned by someone of these teams (a team and its sub-teams, as a team role
    covers them: access.rules.team_and_below)."""
    return Q(owner__member__team_id__in=team_ids)


@dataclass
class MyCustomers:
    """The dashboard's customers: the user's own, or for a team role their team's."""

    customers: QuerySet[Customer]
    team_id: int | None  # set when these are the team's


def my_customers(*, user: AbstractBaseUser) -> MyCustomers:
    """The customers the user may see that they own; for a role whose scope is the team (a
    sales manager), the ones owned by anyone of their team and its sub-teams, which are the
    customers that role is about. Merged customers are left out, as the customers list does."""
    subject = subject_for(user)
    customers = visible_customers(user=user).exclude(status=Customer.Status.MERGED)
    if subject.scope == Scope.TEAM and subject.own_team_id is not None:
        mine = customers.filter(owned_by_teams(subject.team_ids))
        return MyCustomers(mine, subject.own_team_id)
    return MyCustomers(customers.filter(owner_id=user.pk), None)


def customer_regions(*, user: AbstractBaseUser) -> list[str]:
    """The regions of the customers the user may see, for a filter's choices."""
    regions = visible_customers(user=user).exclude(region="").order_by("region")
    return list(regions.values_list("region", flat=True).distinct())


def possible_owners() -> QuerySet[AbstractBaseUser]:
    """Who may own a customer: every active user (the owner filter and the edit form)."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(is_active=True).order_by("username")


def owners_for_new_customer(*, user: AbstractBaseUser) -> QuerySet[AbstractBaseUser] | None:
    """Whom the user may give a customer they create, so that it stays among theirs: anyone
    for a role over all customers, the people of their team and its sub-teams for a team
    role. None when there is no choice (an `own` role): the creator owns it."""
    subject = subject_for(user)
    if subject.full_control or subject.scope == Scope.ALL:
        return possible_owners()
    if subject.scope == Scope.TEAM and subject.team_ids:
        mine = Q(pk=user.pk) | Q(member__team_id__in=subject.team_ids)
        return possible_owners().filter(mine)
    return None


def customer_get(*, user: AbstractBaseUser, customer_id: int) -> Customer:
    """The customer, if the user may see it (NotFound otherwise), with its owner and
    `may_edit`: whether the access rules let the user edit its profile and contacts."""
    editable = Customer.objects.filter(customers_q(user, Permission.EDIT), pk=OuterRef("pk"))
    customer = (
        visible_customers(user=user)
        .select_related("owner", "merged_into")
        .annotate(may_edit=Exists(editable))
        .filter(pk=customer_id)
        .first()
    )
    if customer is None:
        raise NotFound(f"no customer {customer_id}")
    return customer


def customer_contacts(*, customer: Customer) -> QuerySet[Contact]:
    return Contact.objects.filter(customer=customer).order_by("id")


@dataclass
class DocumentGroup:
    """One document type's part of a customer's documents: how many the user may see, and
    the newest few of them."""

    type_id: int
    type_name: str
    type_code: str
    count: int
    documents: list = field(default_factory=list)

    @property
    def has_more(self) -> bool:
        return self.count > len(self.documents)

    @property
    def type_display_name(self) -> str:
        from docket.documents.models import type_display_name

        return type_display_name(self.type_code, self.type_name)


def customer_documents(
    *, user: AbstractBaseUser, customer_id: int, document_type_id: int | None = None
) -> QuerySet:
    """A customer's live documents the user may see (their metadata: never the versions'
    text), newest document date first, with type and tags."""
    from docket.documents.models import Tag
    from docket.documents.selectors import visible_documents

    documents = visible_documents(user=user, content=False).filter(customer_id=customer_id)
    if document_type_id is not None:
        documents = documents.filter(document_type_id=document_type_id)
    return (
        documents.select_related("document_type")
        .only(*_LISTED_FIELDS)
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.only("name", "color")))
        .order_by(*_NEWEST)
    )


_LISTED_FIELDS = (
    "id",
    "title",
    "archive_number",
    "document_date",
    "created_at",
    "status",
    "confidentiality",
    "document_type__name",
)
_NEWEST = (F("document_date").desc(nulls_last=True), "-created_at", "-id")


def customer_document_groups(
    *, user: AbstractBaseUser, customer_id: int, per_type: int = 10
) -> list[DocumentGroup]:
    """The customer's documents the user may see, grouped by type: every
    group's count, and its `per_type` newest documents. Three queries whatever the number of
    documents: the counts (GROUP BY), the rows (ranked per type in the database), their tags."""
    from docket.documents.selectors import visible_documents

    documents = visible_documents(user=user, content=False).filter(customer_id=customer_id)
    counts = (
        documents.order_by()
        .values("document_type_id", "document_type__name", "document_type__code")
        .annotate(n=Count("id"))
        .order_by("document_type_id")  # the catalogue's order: 合同, 报价单, 发票 …
    )
    groups = {
        row["document_type_id"]: DocumentGroup(
            row["document_type_id"],
            row["document_type__name"],
            row["document_type__code"],
            row["n"],
        )
        for row in counts
    }
    if not groups:
        return []
    rank = Window(RowNumber(), partition_by=[F("document_type_id")], order_by=list(_NEWEST))
    newest = (
        customer_documents(user=user, customer_id=customer_id)
        .annotate(rank=rank)
        .filter(rank__lte=per_type)
    )
    for document in newest:  # one pass: rows arrive newest first, whatever their type
        groups[document.document_type_id].documents.append(document)
    return list(groups.values())


@dataclass
class CustomerFile:
    """客户档案: everything the customer page shows, each part limited to what the user may
    see."""

    customer: Customer
    contacts: list[Contact]
    groups: list[DocumentGroup]
    timeline: list  # AuditEvents, newest first, at most `timeline_limit`
    more_timeline: bool

    @property
    def document_count(self) -> int:
        return sum(group.count for group in self.groups)


def customer_file(
    *,
    user: AbstractBaseUser,
    customer_id: int,
    per_type: int = 10,
    timeline_limit: int = 50,
    leave_out: Collection[str] = (),
) -> CustomerFile:
    """The customer page's reads, a fixed number of queries however many documents and
    events the customer has. NotFound if the user may not see the customer. `leave_out`:
    audit actions the timeline does not show (the page's reads, unless asked for)."""
    from docket.audit.selectors import customer_timeline

    customer = customer_get(user=user, customer_id=customer_id)
    timeline = customer_timeline(user=user, customer_id=customer.pk)
    if leave_out:
        timeline = timeline.exclude(action__in=leave_out)
    events = list(timeline[: timeline_limit + 1])
    return CustomerFile(
        customer=customer,
        contacts=list(customer_contacts(customer=customer)),
        groups=customer_document_groups(user=user, customer_id=customer.pk, per_type=per_type),
        timeline=events[:timeline_limit],
        more_timeline=len(events) > timeline_limit,
    )
