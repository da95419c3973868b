"""A new customer (新建客户): the profile form of the customer page's editor, less what a new
customer cannot have yet (a status other than active), through customers.services.
customer_create, which decides who may add customers (whoever may upload) and refuses a
name or code already taken. `next` (a path of this site only) says where to go back to,
as the upload page's link asks."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from docket.access.rules import check_can_create_customers
from docket.core.errors import DocketError
from docket.customers import selectors
from docket.customers.models import Customer
from docket.customers.services import customer_create
from docket.web.views.customers import LABELS, CustomerForm, _add_error, _marked, _refused

__all__ = ["NewCustomerForm", "urlpatterns"]


class NewCustomerForm(CustomerForm):
    """The editor's fields. The code may be left empty (the service gives KH000123); the
    owner is offered only among `owners` (selectors.owners_for_new_customer), the creator
    chosen at first: a customer given to someone else must stay within the creator's reach."""

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
            self.fields["owner"].queryset = owners
            # No "nobody": none given, the service makes the creator the owner.
            self.fields["owner"].empty_label = None


@login_required
def customer_new_view(request: HttpRequest) -> HttpResponse:
    try:
        check_can_create_customers(request.user)
    except DocketError as error:
        return _refused(request, error)
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
    )
    if request.method == "POST" and form.is_valid():
        try:
            customer = customer_create(actor=request.user, **form.cleaned_data)
        except (DocketError, ValidationError) as error:
            if getattr(error, "status_code", 400) in (403, 404):
                return _refused(request, error)
            _add_error(form, error)
        else:
            messages.success(request, _("Customer %(name)s is added.") % {"name": customer.name})
            if back:
                return redirect(back)
            return redirect("web:customer", customer_id=customer.pk)
    context = {"section": "customers", "form": _marked(form), "next": back}
    status = 400 if form.errors else 200
    return render(request, "web/customers/new.html", context, status=status)


def local_path(url: str) -> str:
    """The url when it is a path on this site (`/upload/`), else "": never another site's
    (`https://…`, `//…`), so the form cannot be used to send someone elsewhere."""
    if url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=set()):
        return url
    return ""


urlpatterns = [
    path("customers/new/", customer_new_view, name="customer-new"),
]
