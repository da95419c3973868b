"""A new customer (新建客户): the profile form of the customer page's editor, less what a new
customer cannot have yet (a status other than active), through customers.services.
customer_create, which decides who may add customers (whoever may upload) and refuses a
name or code already taken. `next` (a path of this site only) says where to go back to,
as the upload page's link asks; it gets `customer=<id>`, so that page can choose the new
customer (the upload page's picker does).

Asked by htmx (the upload page's dialog, docket.js `data-dialog-open`), the view answers with
the form alone and a refusal on its field (400), and an added customer with a 204 whose
HX-Trigger closes the dialog and chooses the customer in the page's picker (picker.js), so
the page, and the uploads still going on it, stay."""

from urllib.parse import parse_qsl, urlsplit, urlunsplit

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_htmx.http import trigger_client_event

from docket.access.rules import check_can_create_customers
from docket.audit.services import denial_record
from docket.core.errors import DocketError, Forbidden
from docket.core.notices import translated
from docket.customers import selectors
from docket.customers.models import Customer
from docket.customers.services import customer_create
from docket.web.errors import message_for
from docket.web.refusals import refusal_status
from docket.web.views.customers import LABELS, CustomerForm, _add_error, _marked, _refused

__all__ = ["NewCustomerForm", "local_path", "urlpatterns", "with_customer"]


class NewCustomerForm(CustomerForm):
    """The editor's fields. The code may be left empty (the service gives KH000123); the
    owner is offered among `owners` (selectors.owners_for_new_customer), the creator chosen
    at first. Any active user is accepted here: customer_create decides whom the creator may
    give it to, and its refusal is shown on the field, as the API gives it."""

    code = forms.CharField(
        label=LABELS["code"],
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Given when left empty")}),
    )

    def __init__(self, *args: object, owners: QuerySet | None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        del self.fields["status"]  # a new customer is active; the editor can stop it later
        if owners is None:
            del self.fields["owner"]
        else:
            owner = self.fields["owner"]
            # Offered: `owners`, with no "nobody" (none given, the service makes the creator
            # the owner); the field still takes any possible owner, for the service to judge.
            owner.choices = [(person.pk, owner.label_from_instance(person)) for person in owners]


@login_required
def customer_new_view(request: HttpRequest) -> HttpResponse:
    panel = bool(request.htmx)  # in a page's dialog: the form alone, the page stays
    try:
        check_can_create_customers(request.user)
    except DocketError as error:
        return _refusal(request, error, panel=panel)
    back = local_path(request.POST.get("next") or request.GET.get("next") or "")
    initial = {
        "kind": Customer.Kind.ENTERPRISE,
        "tier": Customer.Tier.NORMAL,
        "owner": request.user.pk,
    }
    form = NewCustomerForm(
        request.POST or None,
        initial=initial,
        owners=selectors.owners_for_new_customer(user=request.user),
        auto_id="new-customer-%s" if panel else "id_%s",  # not the page's own ids
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            customer = customer_create(actor=request.user, **form.cleaned_data)
        except Forbidden as error:
            if error.field != "owner":
                return _refusal(request, error, panel=panel)
            denial_record(request=request)  # a 403, audited as the API's and the pages' are
            form.add_error("owner", translated(error.message))  # whom they may give it to
            status = error.status_code
        except (DocketError, ValidationError) as error:
            if getattr(error, "status_code", 400) in (403, 404):
                return _refusal(request, error, panel=panel)
            _add_error(form, error)
        else:
            added = _("Customer %(name)s is added.") % {"name": customer.name}
            if panel:
                return _chosen(customer, added)
            messages.success(request, added)
            if back:
                return redirect(with_customer(back, customer.pk))
            return redirect("web:customer", customer_id=customer.pk)
    context = {"section": "customers", "form": _marked(form), "next": back, "panel": panel}
    if form.errors and status == 200:
        status = 400
    template = "web/customers/_new_form.html" if panel else "web/customers/new.html"
    return render(request, template, context, status=status)


def _chosen(customer: Customer, added: str) -> HttpResponse:
    """The dialog's answer to an added customer: close the dialog first (its page is inert
    while it is open), then choose the customer in the picker it names (data-picker-for),
    which says `added` to a screen reader."""
    response = HttpResponse(status=204)
    trigger_client_event(response, "close-dialog")
    params = {"id": customer.pk, "name": customer.name, "message": added}
    return trigger_client_event(response, "customer-created", params)


def _refusal(request: HttpRequest, error: DocketError, *, panel: bool) -> HttpResponse:
    """A refusal with nothing to correct: the refusal page, or its sentence in the dialog
    (audited as the page is: a 403 goes into the audit trail)."""
    if not panel:
        return _refused(request, error)
    status = refusal_status(error)
    if status == 403:
        denial_record(request=request)
    context = {"message": message_for(error)}
    return render(request, "web/customers/_new_refused.html", context, status=status)


def with_customer(url: str, customer_id: int) -> str:
    """`url` (a local path) with customer=<id> in its query, in place of any customer there."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "customer"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("customer", customer_id)])))


def local_path(url: str) -> str:
    """The url when it is a path on this site (`/upload/`), else "": never another site's
    (`https://…`, `//…`), so the form cannot be used to send someone elsewhere."""
    if url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=set()):
        return url
    return ""


urlpatterns = [
    path("customers/new/", customer_new_view, name="customer-new"),
]
