"""The customer picker: one text box to choose a customer among thousands, in place of a
<select> listing them all. Typing asks customer_picker_view for up to 20 customers the text
may mean (name, code, pinyin, initials: customers.selectors.customer_suggestions), shown as a
listbox that arrows, Enter and Escape work (static/web/picker.js); choosing one puts its id in
a hidden input. Without JavaScript the typed text is sent instead, and CustomerPickerField
resolves it among the customers the user may choose.

Forms use CustomerPickerField; pages that write their forms by hand include
web/customer_picker/_picker.html with the same names (see that template)."""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from docket.access.models import Permission
from docket.customers.models import Customer
from docket.customers.selectors import customer_suggestions, customers_for_text

SCOPES = {"upload": Permission.UPLOAD, "view": Permission.VIEW}  # what the chosen one is for
SUGGESTIONS = 20  # customers a list shows; typing more narrows it


@dataclass(frozen=True)
class Picked:
    """What a picker sends: the chosen customer's id (emptied by the script once the text is
    typed over) and the text, None when a client sent the id alone."""

    id: str
    text: str | None


class CustomerPicker(forms.Widget):
    template_name = "web/customer_picker/widget.html"

    def __init__(self, *, scope: str = "upload", placeholder: str = "", attrs: Any = None):
        super().__init__(attrs)
        self.scope = scope
        self.placeholder = placeholder
        self.names: QuerySet[Customer] = Customer.objects.none()  # whose name it may show

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Picked:
        return Picked(str(data.get(name) or "").strip(), data.get(f"{name}_text"))

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and f"{name}_text" not in data

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        chosen_id, label = self._chosen(value)
        return context | {
            "input_id": context["widget"]["attrs"].get("id") or f"id_{name}",
            "name": name,
            "text_name": f"{name}_text",
            "chosen_id": chosen_id,
            "chosen_label": label,
            "scope": self.scope,
            "placeholder": self.placeholder,
            "required": self.is_required,
        }

    def _chosen(self, value: Any) -> tuple[str, str]:
        """The id and the text to show: what was typed, or the name of the customer given
        (only of one the user may choose: an id must not reveal another's name)."""
        if isinstance(value, Customer):
            return str(value.pk), value.name
        if isinstance(value, Picked):
            if value.text is not None:
                return value.id, value.text
            value = value.id
        if not str(value or "").isdigit():
            return "", ""
        name = self.names.filter(pk=value).values_list("name", flat=True).first()
        return (str(value), name) if name else ("", "")


class CustomerPickerField(forms.ModelChoiceField):
    """A customer from a picker: the chosen id while the text still names that customer,
    else the one customer the text means among `choosable` (its exact name or code, or the
    only match); a text that means none or several is an error saying so. `queryset` is what
    an id may name (the services may still refuse it); `choosable` what a text may name."""

    def __init__(
        self,
        *,
        queryset: QuerySet[Customer],
        scope: str = "upload",
        placeholder: str = "",
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("widget", CustomerPicker(scope=scope, placeholder=placeholder))
        super().__init__(queryset=queryset, **kwargs)
        self.choosable = queryset

    @property
    def choosable(self) -> QuerySet[Customer]:
        return self._choosable

    @choosable.setter
    def choosable(self, customers: QuerySet[Customer]) -> None:
        self._choosable = customers
        self.widget.names = customers

    def to_python(self, value: Any) -> Customer | None:
        if not isinstance(value, Picked):
            return super().to_python(value)
        if value.text is None:
            return super().to_python(value.id)
        text = " ".join(value.text.split())
        if value.id:
            customer = super().to_python(value.id)
            if customer is not None and " ".join(customer.name.split()) == text:
                return customer
        return customer_for_text(self.choosable, text) if text else None

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            value = self.to_python(data)
        except ValidationError:
            return True
        return str(self.prepare_value(initial) or "") != str(value.pk if value else "")


def customer_for_text(choosable: QuerySet[Customer], text: str) -> Customer:
    """The one customer of `choosable` a typed text means: its exact name or code, or the
    only match. A text that means none or several is a ValidationError saying so."""
    found = customers_for_text(choosable, text, limit=6)
    exact = [customer for customer in found if customer.exact]
    if len(exact) == 1 or len(found) == 1:
        return (exact or found)[0]
    if not found:
        raise ValidationError(
            _("No customer you may choose matches “%(text)s”."),
            code="no_match",
            params={"text": text},
        )
    separator = "、" if get_language().startswith("zh") else ", "
    raise ValidationError(
        _("Several customers match “%(text)s”: %(names)s. Type more of the name."),
        code="ambiguous",
        params={"text": text, "names": separator.join(c.name for c in found[:5])},
    )


@login_required
@require_GET
def customer_picker_view(request: HttpRequest) -> HttpResponse:
    """The options for the text typed so far (`q`): customers the user may see, or with
    scope=upload may file documents to. One query whatever the number of customers."""
    permission = SCOPES.get(request.GET.get("scope", ""), Permission.VIEW)
    text = request.GET.get("q", "")[:200]
    customers = customer_suggestions(
        user=request.user, text=text, permission=permission, limit=SUGGESTIONS
    )
    return render(request, "web/customer_picker/_options.html", {"customers": customers})


urlpatterns = [
    path("customers/picker/", customer_picker_view, name="customer-picker"),
]
