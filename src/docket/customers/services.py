"""Every write to customers and contacts. Who may add a customer, and to whom they may give
it, is decided here (`customer_create`), for the page and the API alike."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_noop as _

from docket.access.models import Permission
from docket.access.rules import check_can_create_customers, check_customer
from docket.audit.models import AuditEvent
from docket.audit.services import audit_record
from docket.core.errors import Conflict, Forbidden, InvalidInput
from docket.core.notices import Notice
from docket.customers.models import Contact, Customer
from docket.customers.selectors import owners_for_new_customer
from docket.search.indexer import index_customer

CUSTOMER_FIELDS = (
    "name",
    "code",
    "kind",
    "tier",
    "industry",
    "size",
    "region",
    "status",
    "owner",
    "notes",
)


def _validate_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput(Notice(_("a customer needs a name")), field="name")
    return name


def _check_unique_name(*, name: str, kind: str, exclude_id: int | None = None) -> None:
    clash = Customer.objects.filter(name=name, kind=kind).exclude(status=Customer.Status.MERGED)
    if exclude_id is not None:
        clash = clash.exclude(id=exclude_id)
    if clash.exists():
        raise Conflict(
            Notice(_("a customer named %(name)s of this kind already exists"), name=repr(name)),
            field="name",
        )


def _check_known(fields: dict[str, Any]) -> None:
    if unknown := set(fields) - set(CUSTOMER_FIELDS):
        raise InvalidInput(
            Notice(_("unknown customer fields: %(fields)s"), fields=", ".join(sorted(unknown)))
        )


def _code_taken(code: str) -> Conflict:
    return Conflict(Notice(_("customer code %(code)s is taken"), code=repr(code)), field="code")


@transaction.atomic
def customer_create(*, actor: AbstractBaseUser | None, name: str, **fields: Any) -> Customer:
    check_can_create_customers(actor)
    _check_known(fields)
    name = _validate_name(name)
    kind = fields.get("kind") or Customer.Kind.ENTERPRISE
    _check_unique_name(name=name, kind=kind)
    code = (fields.pop("code", "") or "").strip()
    if code and Customer.objects.filter(code=code).exists():
        raise _code_taken(code)
    if fields.get("owner") is None and actor is not None and actor.is_authenticated:
        fields["owner"] = actor
    _check_owner(actor, fields.get("owner"))
    customer = Customer(name=name, code=code or _provisional_code(), **fields)
    customer.full_clean(exclude=["code", "owner", "merged_into"])
    try:
        with transaction.atomic():
            customer.save()
    except IntegrityError as exc:
        raise Conflict(Notice(_("a customer with this name or code already exists"))) from exc
    if not code:
        customer.code = f"KH{customer.id:06d}"
        customer.save(update_fields=["code"])
    _record(actor, customer, created=customer.name)
    return customer


def _check_owner(actor: AbstractBaseUser | None, owner: AbstractBaseUser | None) -> None:
    """Whom a customer, new or edited, may be given, so that it stays within its creator's reach: an
    `own` role keeps what it adds, a team role gives it to someone of its team (sub-teams
    too), a role over all customers to anyone (`selectors.owners_for_new_customer`, which the
    form's choices come from). The system (no actor: commands, imports) gives it to anyone."""
    if actor is None or owner is None:
        return
    if not owner.is_active:
        raise InvalidInput(Notice(_("this account is deactivated")), field="owner")
    owners = owners_for_new_customer(user=actor)
    name = owner.get_username()
    if owners is None and owner.pk != actor.pk:
        raise Forbidden(
            Notice(_("a customer of yours stays yours; it cannot be given to %(user)s"), user=name),
            field="owner",
        )
    if owners is not None and not owners.filter(pk=owner.pk).exists():
        raise Forbidden(
            Notice(
                _("a customer can be given only to someone in your team, not %(user)s"),
                user=name,
            ),
            field="owner",
        )


def _provisional_code() -> str:
    import uuid

    return f"tmp-{uuid.uuid4().hex}"


@transaction.atomic
def customer_update(
    *, actor: AbstractBaseUser | None, customer: Customer, **fields: Any
) -> Customer:
    check_customer(actor, Permission.EDIT, customer)
    _check_known(fields)
    if "owner" in fields and fields["owner"] != customer.owner:
        _check_owner(actor, fields["owner"])  # whom it may be given to, as when it was added
    if "name" in fields:
        fields["name"] = _validate_name(fields["name"])
    for key, value in fields.items():
        setattr(customer, key, value)
    _check_unique_name(name=customer.name, kind=customer.kind, exclude_id=customer.id)
    if Customer.objects.filter(code=customer.code).exclude(id=customer.id).exists():
        raise _code_taken(customer.code)
    customer.full_clean(exclude=["owner", "merged_into"])
    customer.save()
    if "name" in fields:
        index_customer(customer.id)  # its documents' entries carry the name
    _record(actor, customer, fields=sorted(fields))
    return customer


@transaction.atomic
def customer_merge(
    *, actor: AbstractBaseUser | None, source: Customer, target: Customer
) -> Customer:
    """Fold a duplicate into the customer that stays. The source's documents and contacts move
    to the target; the source remains, marked merged, so old references still resolve."""
    check_customer(actor, Permission.EDIT, source)
    check_customer(actor, Permission.EDIT, target)
    from docket.documents.models import Document

    if source.id == target.id:
        raise InvalidInput(Notice(_("a customer cannot be merged into itself")))
    if source.status == Customer.Status.MERGED or target.status == Customer.Status.MERGED:
        raise Conflict(Notice(_("one of these customers has already been merged")))
    Document.all_objects.filter(customer=source).update(customer=target)
    Contact.objects.filter(customer=source).update(customer=target)
    notes = "\n".join(n for n in (target.notes, source.notes) if n)
    Customer.objects.filter(id=target.id).update(notes=notes)
    source.status = Customer.Status.MERGED
    source.merged_into = target
    source.save(update_fields=["status", "merged_into", "updated_at"])
    target.refresh_from_db()
    index_customer(target.id)
    _record(actor, source, merged_into=target.id)
    _record(actor, target, merged_from=source.id)
    return target


def contact_create(*, actor: AbstractBaseUser | None, customer: Customer, **fields: Any) -> Contact:
    check_customer(actor, Permission.EDIT, customer)
    if not (fields.get("name") or "").strip():
        raise InvalidInput(Notice(_("a contact needs a name")), field="name")
    contact = Contact(customer=customer, **fields)
    contact.full_clean()
    contact.save()
    return contact


def _record(actor: AbstractBaseUser | None, customer: Customer, **details: Any) -> None:
    audit_record(
        action=AuditEvent.Action.EDIT, actor=actor, customer_id=customer.pk, details=details
    )
