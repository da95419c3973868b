"""Demo data: Chinese customers with contacts, and documents of every seeded type in several
formats (see `docket.demo.papers`), some revised into several versions, some tagged.

`demo_plan` is pure: the same seed gives the same customers, titles and file bytes.
`demo_load` files a plan through the real services (`customer_create`, `contact_create`,
`document_upload`, `version_add`, `tag_get_or_create`), so blobs, archive numbers and
text-extraction jobs are made exactly as for a person's upload."""

import datetime
import io
import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from docket.core.errors import InvalidInput
from docket.customers.models import Customer
from docket.customers.services import contact_create, customer_create
from docket.demo import phrases as p
from docket.demo.papers import RENDERERS, CustomerSpec, FileSpec
from docket.documents.catalog import tag_get_or_create
from docket.documents.models import DocumentType, Version
from docket.documents.services import document_upload, version_add

__all__ = ["DEFAULT_SEED", "TAG_COLOURS", "DemoPlan", "DemoSummary", "demo_load", "demo_plan"]

DEFAULT_SEED = 2023
TAG_COLOURS = {
    "重要": "#ef4444",
    "待审核": "#f59e0b",
    "已归档": "#6b7280",
    "2022": "#0ea5e9",
    "2023": "#3b82f6",
    "2024": "#10b981",
}
KINDS = ["enterprise", "enterprise", "individual", "enterprise", "prospect", "enterprise"]
# The first documents cover every type once, so even a small demo shows all of them.
OPENING = ["合同", "报价单", "发票", "签收单", "营业执照", "授权委托书", "会议纪要", "服务申请单"]
LATER = [*OPENING, "合同", "合同", "报价单", "发票", "会议纪要"]  # the mix after the opening
FIRST_DAY, DAYS = datetime.date(2022, 1, 1), 3 * 365


@dataclass
class DocumentSpec:
    customer: int  # index into DemoPlan.customers
    type_name: str
    title: str
    date: datetime.date
    files: list[FileSpec]  # version 1 first
    tags: list[str]


@dataclass
class DemoPlan:
    customers: list[CustomerSpec]
    documents: list[DocumentSpec]


@dataclass(frozen=True)
class DemoSummary:
    seed: int
    customers: int
    contacts: int
    documents: int
    versions: int
    tags: int
    formats: dict[str, int]  # versions per MIME type

    def line(self) -> str:
        formats = ", ".join(f"{n} {mime}" for mime, n in sorted(self.formats.items()))
        return (
            f"Demo data (seed {self.seed}): {self.customers} customers, {self.contacts} contacts,"
            f" {self.documents} documents, {self.versions} versions ({formats}), {self.tags} tags."
        )


def demo_plan(
    *,
    customers: int = 12,
    documents: int = 60,
    seed: int = DEFAULT_SEED,
    taken_names: Iterable[str] = (),
) -> DemoPlan:
    """What the demo will contain; customer names in taken_names are not used again."""
    if customers < 1 or documents < 0:
        raise ValueError("a demo needs at least one customer and no negative document count")
    rng = random.Random(seed)
    taken = set(taken_names)
    people = [_customer(rng, i, taken) for i in range(customers)]
    weights = [{"vip": 3, "normal": 2}.get(c.tier, 1) for c in people]
    companies = [i for i, c in enumerate(people) if c.kind != "individual"]
    docs = []
    for i in range(documents):
        type_name = OPENING[i] if i < len(OPENING) else rng.choice(LATER)
        who = i % customers if i < customers else rng.choices(range(customers), weights)[0]
        if type_name == "营业执照" and people[who].kind == "individual":
            if companies:  # a person has no business licence
                who = rng.choice(companies)
            else:
                type_name = "授权委托书"
        date = FIRST_DAY + datetime.timedelta(days=rng.randrange(DAYS))
        first = type_name not in {d.type_name for d in docs}
        paper = RENDERERS[type_name](rng, people[who], date, first)
        tags = _tags(rng, date, paper.amount)
        docs.append(DocumentSpec(who, type_name, paper.title, date, paper.files, tags))
    return DemoPlan(people, docs)


@transaction.atomic
def demo_load(
    *,
    customers: int = 12,
    documents: int = 60,
    seed: int = DEFAULT_SEED,
    actor: AbstractBaseUser | None = None,
) -> DemoSummary:
    """File a demo plan. One transaction: a failure leaves no rows (at most orphan blobs,
    which `docket check --delete-orphans` removes)."""
    taken = Customer.objects.values_list("name", flat=True)
    plan = demo_plan(customers=customers, documents=documents, seed=seed, taken_names=taken)
    types = {t.name: t for t in DocumentType.objects.filter(name__in=OPENING)}
    if missing := set(OPENING) - set(types):
        raise InvalidInput(f"the demo needs the seeded document types; missing: {missing}")
    tags = {n: tag_get_or_create(actor=actor, name=n, color=c) for n, c in TAG_COLOURS.items()}
    made, contacts = [], 0
    for spec in plan.customers:
        customer = customer_create(
            actor=actor, name=spec.name, kind=spec.kind, tier=spec.tier, **spec.fields
        )
        for contact in spec.contacts:
            contact_create(actor=actor, customer=customer, **contact)
            contacts += 1
        made.append(customer)
    document_ids = []
    for doc in plan.documents:
        first, *revisions = doc.files
        document = document_upload(
            actor=actor,
            file=io.BytesIO(first.data),
            filename=first.filename,
            customer=made[doc.customer],
            document_type=types[doc.type_name],
            title=doc.title,
            document_date=doc.date,
            tags=[tags[name] for name in doc.tags],
            comment=first.comment,
        )
        for revision in revisions:
            version_add(
                actor=actor,
                document=document,
                file=io.BytesIO(revision.data),
                filename=revision.filename,
                comment=revision.comment,
            )
        document_ids.append(document.id)
    formats = Counter(
        Version.objects.filter(document_id__in=document_ids).values_list("mime_type", flat=True)
    )
    return DemoSummary(
        seed=seed,
        customers=len(made),
        contacts=contacts,
        documents=len(document_ids),
        versions=formats.total(),
        tags=len(tags),
        formats=dict(formats),
    )


def _person(rng: random.Random) -> tuple[str, str]:
    """A name and its pinyin mailbox: 张伟, wei.zhang."""
    (surname, surname_py), (given, given_py) = rng.choice(p.SURNAMES), rng.choice(p.GIVEN_NAMES)
    return surname + given, f"{given_py}.{surname_py}"


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"


def _contact(rng: random.Random, role: str, domain: str, person: tuple[str, str] | None = None):
    name, mailbox = person or _person(rng)
    return {"name": name, "role": role, "phone": _phone(rng), "email": f"{mailbox}@{domain}"}


def _customer(rng: random.Random, index: int, taken: set[str]) -> CustomerSpec:
    kind = KINDS[index % len(KINDS)]
    business = rng.randrange(len(p.BUSINESSES))
    word, word_py, industry, _ = p.BUSINESSES[business]
    for _attempt in range(50):
        city, (core, core_py) = rng.choice(p.CITIES), rng.choice(p.CORES)
        if kind == "individual":
            person = _person(rng)
            name = short = person[0]
        else:
            name, short = f"{city}{core}{word}{rng.choice(p.SUFFIXES)}", city + core
        if name not in taken:
            break
    else:  # every combination tried is taken (a large demo, or a second one)
        name = short = f"{name}{index + 1}"
    taken.add(name)
    fields = {"industry": industry, "region": city, "size": "", "notes": ""}
    if kind == "individual":
        tier = "normal"
        contacts = [_contact(rng, "本人", rng.choice(["163.com", "qq.com"]), person)]
    else:
        tier = "potential" if kind == "prospect" else rng.choice(["vip", "normal", "normal"])
        tier = "vip" if index == 0 else tier
        fields["size"] = rng.choice(p.SIZES)
        domain = f"{core_py}-{word_py}.com.cn"
        contacts = [_contact(rng, role, domain) for role in rng.sample(p.ROLES, rng.randint(1, 3))]
    fields["notes"] = f"{city}{industry}客户，主要联系人{contacts[0]['name']}。"
    return CustomerSpec(name, short, kind, tier, business, fields, contacts)


def _tags(rng: random.Random, date: datetime.date, amount: Decimal | None) -> list[str]:
    tags = [str(date.year)] if rng.random() < 0.6 else []
    if amount is not None and amount >= 100000:
        tags.append("重要")
    if rng.random() < 0.15:
        tags.append("待审核")
    if date.year == 2022 and rng.random() < 0.5:
        tags.append("已归档")
    return tags
