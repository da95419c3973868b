"""Customers: the list (filters, and a search box that knows pinyin), and the customer page
(客户档案: profile, contacts, documents by type, timeline) with its edit and add-contact
forms. Reads go through docket.customers.selectors; writes through customers.services, whose
permission checks decide: a refusal is a 403 page, a customer the user may not see a 404."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from docket.access.models import Permission, Team
from docket.access.rules import check_can_create_customers
from docket.audit.models import AuditEvent
from docket.audit.selectors import customer_timeline
from docket.core.errors import Conflict, DocketError, Forbidden, InvalidInput
from docket.customers import selectors
from docket.customers.models import Customer
from docket.customers.services import contact_create, customer_update
from docket.documents.edit_changes import hide_unseen_customers
from docket.documents.models import DocumentType
from docket.web.errors import message_for
from docket.web.refusals import refusal_page, refusal_status
from docket.web.views.document_changes import describe_document_edit
from docket.web.views.document_history import READ_ACTIONS, wants_reads, without_reads

PAGE_SIZE = 50  # customers on a list page, documents on a type's page, events on history
MORE_ROWS = 50  # documents a "show more" click adds to a type's group

LABELS = {
    "name": gettext_lazy("Name"),
    "code": gettext_lazy("Customer code"),
    "kind": gettext_lazy("Kind"),
    "tier": gettext_lazy("Tier"),
    "industry": gettext_lazy("Industry"),
    "size": gettext_lazy("Company size"),
    "region": gettext_lazy("Region"),
    "status": gettext_lazy("Status"),
    "owner": gettext_lazy("Owner"),
    "notes": gettext_lazy("Notes"),
    # a document's fields, as its edits name them in the timeline
    "title": gettext_lazy("Title"),
    "document_date": gettext_lazy("Date"),
    "customer": gettext_lazy("Customer"),
    "document_type": gettext_lazy("Type"),
    "tags": gettext_lazy("Tags"),
    "archive_number": gettext_lazy("Archive number"),
}


# Forms: the request's shape only; what is allowed is the services' and selectors' business.


class ListParams(forms.Form):
    q = forms.CharField(required=False, max_length=200)
    kind = forms.ChoiceField(choices=Customer.Kind.choices, required=False)
    tier = forms.ChoiceField(choices=Customer.Tier.choices, required=False)
    region = forms.CharField(required=False, max_length=100)
    status = forms.ChoiceField(choices=Customer.Status.choices, required=False)
    owner = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    team = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    sort = forms.ChoiceField(choices=[("name", ""), ("newest", "")], required=False)


class DocumentsParams(forms.Form):
    type = forms.ModelChoiceField(queryset=DocumentType.objects.all())
    start = forms.IntegerField(required=False, min_value=0, max_value=10**9)


class OwnerField(forms.ModelChoiceField):
    def label_from_instance(self, obj: object) -> str:
        return obj.get_full_name() or obj.get_username()  # type: ignore[attr-defined]


class CustomerForm(forms.Form):
    name = forms.CharField(label=LABELS["name"], max_length=200)
    code = forms.CharField(label=LABELS["code"], max_length=40)
    kind = forms.ChoiceField(label=LABELS["kind"], choices=Customer.Kind.choices)
    tier = forms.ChoiceField(label=LABELS["tier"], choices=Customer.Tier.choices)
    industry = forms.CharField(label=LABELS["industry"], max_length=100, required=False)
    size = forms.CharField(label=LABELS["size"], max_length=50, required=False)
    region = forms.CharField(label=LABELS["region"], max_length=100, required=False)
    # Merging is its own action (it moves documents); the form only switches these two.
    status = forms.ChoiceField(
        label=LABELS["status"],
        choices=[(s.value, s.label) for s in (Customer.Status.ACTIVE, Customer.Status.INACTIVE)],
    )
    owner = OwnerField(
        label=LABELS["owner"],
        queryset=selectors.possible_owners(),
        required=False,
        empty_label=gettext_lazy("Nobody"),
    )
    notes = forms.CharField(
        label=LABELS["notes"], widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class ContactForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    role = forms.CharField(label=gettext_lazy("Position"), max_length=100, required=False)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=gettext_lazy("Email"), required=False)


# Views


@login_required
def customers_view(request: HttpRequest) -> HttpResponse:
    params = ListParams(request.GET)
    params.is_valid()  # a bad value is left out; the others still filter
    given = params.cleaned_data
    customers = selectors.customer_list(
        user=request.user,
        text=given.get("q") or "",
        kind=given.get("kind") or "",
        tier=given.get("tier") or "",
        region=given.get("region") or "",
        status=given.get("status") or "",
        owner_id=given.get("owner"),
        team_id=given.get("team"),
        sort=given.get("sort") or "name",
    )
    page = Paginator(customers, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"section": "customers", "page_obj": page, "customers": list(page)}
    if request.htmx and not request.htmx.history_restore_request:  # a restore wants it all
        return render(request, "web/customers/_table.html", context)
    context |= {
        "params": given,
        "kinds": Customer.Kind.choices,
        "tiers": Customer.Tier.choices,
        "statuses": Customer.Status.choices,
        "regions": selectors.customer_regions(user=request.user),
        "owners": selectors.possible_owners(),
        "teams": Team.objects.order_by("name"),
    }
    context["may_create"] = may_create_customers(request.user)
    return render(request, "web/customers/list.html", context)


def may_create_customers(user: AbstractBaseUser) -> bool:
    """Whether the page's button is for this user (the service checks again)."""
    try:
        check_can_create_customers(user)
    except DocketError:
        return False
    return True


def may_upload_to(user: AbstractBaseUser, customer: Customer) -> bool:
    """Whether the page's 上传文档 link is for this user: the rules' answer on uploading to
    this customer (a merged one takes no documents). The upload page and service check again."""
    if customer.status == Customer.Status.MERGED:
        return False
    customers = selectors.visible_customers(user=user, permission=Permission.UPLOAD)
    return customers.filter(pk=customer.pk).exists()


@login_required
def customer_view(request: HttpRequest, customer_id: int) -> HttpResponse:
    reads = wants_reads(request)
    try:
        file = selectors.customer_file(
            user=request.user, customer_id=customer_id, leave_out=() if reads else READ_ACTIONS
        )
    except DocketError as error:
        return _refused(request, error)
    context = {
        "section": "customers",
        "file": file,
        "customer": file.customer,
        "contacts": file.contacts,
        "may_edit": file.customer.may_edit,
        "may_upload": may_upload_to(request.user, file.customer),
        "timeline": [(e, describe(e)) for e in hide_unseen_customers(file.timeline, request.user)],
        "reads": reads,
        "contact_form": ContactForm(prefix="contact"),
    }
    return render(request, "web/customers/page.html", context)


@login_required
def customer_edit_view(request: HttpRequest, customer_id: int) -> HttpResponse:
    try:
        customer = selectors.customer_get(user=request.user, customer_id=customer_id)
    except DocketError as error:
        return _refused(request, error)
    if not customer.may_edit:  # the rules' answer (customers_q); the service checks again
        return _refused(request, Forbidden("you may not edit this customer"))
    initial = {name: getattr(customer, name) for name in CustomerForm.base_fields}
    form = CustomerForm(request.POST or None, initial=initial | {"owner": customer.owner_id})
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        if not changes:  # nothing to save, nor to record
            messages.info(request, _("Nothing was changed."))
            return redirect("web:customer", customer_id=customer.pk)
        try:
            customer_update(actor=request.user, customer=customer, **changes)
        except (DocketError, ValidationError) as error:
            refused_owner = getattr(error, "field", None) == "owner"  # said on its field
            if getattr(error, "status_code", 400) in (403, 404) and not refused_owner:
                return _refused(request, error)
            _add_error(form, error)
        else:
            messages.success(request, _("The customer's profile is saved."))
            return redirect("web:customer", customer_id=customer.pk)
    context = {"section": "customers", "customer": customer, "form": _marked(form)}
    return render(request, "web/customers/edit.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def contact_add_view(request: HttpRequest, customer_id: int) -> HttpResponse:
    try:
        customer = selectors.customer_get(user=request.user, customer_id=customer_id)
    except DocketError as error:
        return _refused(request, error)
    if not customer.may_edit:  # the rules' answer (customers_q); the service checks again
        return _refused(request, Forbidden("you may not edit this customer"))
    form, added = ContactForm(request.POST, prefix="contact"), None
    if form.is_valid():
        try:
            added = contact_create(actor=request.user, customer=customer, **form.cleaned_data)
        except (DocketError, ValidationError) as error:
            if getattr(error, "status_code", 400) in (403, 404):
                return _refused(request, error)
            _add_error(form, error)
    if added is not None and not request.htmx:
        messages.success(request, _("Contact %(name)s is added.") % {"name": added.name})
        return redirect("web:customer", customer_id=customer.pk)
    context = {
        "section": "customers",
        "customer": customer,
        "contacts": selectors.customer_contacts(customer=customer),
        "contact_form": ContactForm(prefix="contact") if added else _marked(form),
        "added": added,
        "may_edit": customer.may_edit,
    }
    if request.htmx:  # htmx swaps only 2xx answers: the form with its errors comes as a 200
        return render(request, "web/customers/_contacts.html", context)
    return render(request, "web/customers/contact_add.html", context, status=400)


@login_required
def customer_documents_view(request: HttpRequest, customer_id: int) -> HttpResponse:
    """One type's documents of a customer: `start` gives the rows a "show more" click adds
    (htmx); without script, `page` pages through the whole list."""
    try:  # the customer first: one the user may not see is not found, whatever is asked
        customer = selectors.customer_get(user=request.user, customer_id=customer_id)
    except DocketError as error:
        return _refused(request, error)
    params = DocumentsParams(request.GET)
    if not params.is_valid():
        return _refused(request, InvalidInput(_("Choose a document type.")))
    document_type = params.cleaned_data["type"]
    documents = selectors.customer_documents(
        user=request.user, customer_id=customer.pk, document_type_id=document_type.pk
    )
    context = {
        "section": "customers",
        "customer": customer,
        "document_type": document_type,
        "type_id": document_type.pk,
    }
    if request.htmx:
        start = params.cleaned_data.get("start") or 0
        rows = list(documents[start : start + MORE_ROWS + 1])
        context |= {"documents": rows[:MORE_ROWS], "next_start": start + MORE_ROWS}
        context["has_more"] = len(rows) > MORE_ROWS
        return render(request, "web/customers/_document_rows.html", context)
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    context |= {"page_obj": page, "documents": list(page)}
    return render(request, "web/customers/documents.html", context)


@login_required
def customer_history_view(request: HttpRequest, customer_id: int) -> HttpResponse:
    try:
        customer = selectors.customer_get(user=request.user, customer_id=customer_id)
    except DocketError as error:
        return _refused(request, error)
    reads = wants_reads(request)
    events = without_reads(
        customer_timeline(user=request.user, customer_id=customer.pk), reads=reads
    )
    # Pages of what is shown: the pager's links (url_page) keep ?reads=1.
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "section": "customers",
        "customer": customer,
        "page_obj": page,
        "timeline": [(e, describe(e)) for e in hide_unseen_customers(page, request.user)],
        "reads": reads,
    }
    return render(request, "web/customers/history.html", context)


# Helpers


def describe(event: AuditEvent) -> str:
    """A timeline line's detail, in the user's language, from the event's recorded details."""
    details, action = event.details or {}, event.action
    Action = AuditEvent.Action  # noqa: N806 (an alias of a class)
    if action == Action.UPLOAD and details.get("file"):
        if details["file"].rsplit(".", 1)[0] == event.document_title:
            return ""  # the title says it already
        return _("file %(name)s") % {"name": details["file"]}
    if action == Action.RESTORE_VERSION and "restored" in details:
        return _("version %(old)s restored as version %(new)s") % {
            "old": details["restored"],
            "new": details.get("version", "?"),
        }
    if action in (Action.NEW_VERSION, Action.DOWNLOAD, Action.PREVIEW) and "version" in details:
        return _("version %(number)s") % {"number": details["version"]}
    if action == Action.EDIT and "created" in details:
        return _("customer created")
    if action == Action.EDIT and "merged_into" in details:
        return _("merged into customer %(id)s") % {"id": details["merged_into"]}
    if action == Action.EDIT and "merged_from" in details:
        return _("customer %(id)s merged into this one") % {"id": details["merged_from"]}
    if action == Action.EDIT and details.get("fields"):
        if event.document_id and (changes := describe_document_edit(details)):
            return changes
        names = [str(LABELS.get(name, name)) for name in details["fields"]]
        return _("changed: %(fields)s") % {"fields": _list(names)}
    if action == Action.PERMISSION_CHANGE and details.get("permission") in Permission.values:
        who = details.get("user") or details.get("team") or ""
        template = _("%(permission)s granted to %(who)s")
        if details.get("grant") == "removed":
            template = _("%(permission)s taken from %(who)s")
        return template % {"permission": Permission(details["permission"]).label, "who": who}
    return ""


def _list(names: list[str]) -> str:
    return _(", ").join(names)


def _add_error(form: forms.Form, error: DocketError | ValidationError) -> None:
    """A service's refusal, on its field when it names one of the form's."""
    if isinstance(error, ValidationError):
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
        return
    message = message_for(error)
    if isinstance(error, Conflict) and error.field == "name":
        message = _("Another customer of this kind already has this name.")
    elif isinstance(error, Conflict) and error.field == "code":
        message = _("This customer code is already in use.")
    form.add_error(error.field if error.field in form.fields else None, message)


def _marked(form: forms.Form) -> forms.Form:
    """Mark the inputs with errors for assistive technology."""
    for name in form.errors:
        if name in form.fields:
            form.fields[name].widget.attrs["aria-invalid"] = "true"
            form.fields[name].widget.attrs["aria-describedby"] = f"{form[name].auto_id}-error"
    return form


def _refused(request: HttpRequest, error: DocketError) -> HttpResponse:
    return refusal_page(
        request,
        error,
        section="customers",
        heading=_("Customer not found") if refusal_status(error) == 404 else "",
        back_url=reverse("web:customers"),
        back_label=_("Back to the customers"),
    )


urlpatterns = [
    path("customers/", customers_view, name="customers"),
    path("customers/<int:customer_id>/", customer_view, name="customer"),
    path("customers/<int:customer_id>/edit/", customer_edit_view, name="customer-edit"),
    path("customers/<int:customer_id>/contacts/", contact_add_view, name="customer-contact-add"),
    path(
        "customers/<int:customer_id>/documents/",
        customer_documents_view,
        name="customer-documents",
    ),
    path("customers/<int:customer_id>/history/", customer_history_view, name="customer-history"),
]
