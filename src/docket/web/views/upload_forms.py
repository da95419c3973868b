"""The upload page's forms (docket.web.views.upload and upload_jobs): parsing only; who may
do what is the services' decision."""

from typing import Any

from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _

from docket.access.models import Permission
from docket.core.errors import InvalidInput
from docket.customers.models import Customer
from docket.customers.selectors import visible_customers
from docket.documents.models import DocumentType, Tag
from docket.web.views.customer_picker import CustomerPickerField


class TagsField(forms.CharField):
    """Tags by name, separated by commas (ASCII or full-width), as the API takes them."""

    def to_python(self, value: object) -> list[str]:
        names = str(value or "").replace("，", ",").split(",")
        tags = list(dict.fromkeys(name.strip() for name in names if name.strip()))
        if any(len(name) > Tag._meta.get_field("name").max_length for name in tags):
            raise forms.ValidationError(_("A tag has at most 50 characters."))
        return tags


def _customers() -> CustomerPickerField:
    # Any customer's id parses; whether this user may file to it is checked by the service,
    # which answers 404 for one they may not see and 403 for one they may not upload to. A
    # name typed without the picker's script is looked up among those they may upload to.
    return CustomerPickerField(queryset=Customer.objects.all(), required=False)


class _ForUser(forms.Form):
    """A form whose customer is picked among those the user may file documents to."""

    def __init__(self, *args: Any, user: AbstractBaseUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["customer"].choosable = visible_customers(
            user=user, permission=Permission.UPLOAD
        )


class UploadForm(_ForUser):
    customer = _customers()
    type = forms.ModelChoiceField(queryset=DocumentType.objects.all(), required=False)
    title = forms.CharField(required=False, max_length=300)
    tags = TagsField(required=False)


class FilingForm(_ForUser):
    customer = _customers()
    type = forms.ModelChoiceField(queryset=DocumentType.objects.all())
    title = forms.CharField(required=False, max_length=300)
    tags = TagsField(required=False)

    def clean_customer(self) -> Customer:
        if self.cleaned_data.get("customer") is None:
            raise forms.ValidationError(_("Choose the customer."))
        return self.cleaned_data["customer"]


def form_error(form: forms.Form) -> InvalidInput:
    first = next(iter(form.errors.values()))[0]
    return InvalidInput(str(first))
