"""The document page's details and tags: the edit form of its details (title, customer, type,
date, status, notes) and the tags added or taken off. Each view loads the document through
document_page.load (404 against 403) and saves through documents.services.document_update,
which decides: while another user has the document checked out it refuses (Locked), and the
page shows the details read-only with who holds it.

document_page imports this module for its forms and URLs, so this one reaches back into
document_page only inside functions."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from docket.access.models import Permission
from docket.core.errors import InvalidInput
from docket.customers.models import Customer
from docket.customers.selectors import visible_customers
from docket.documents import catalog, services
from docket.documents.checkout import active_checkout
from docket.documents.models import Document, DocumentType
from docket.web.fields import DisplayNameChoiceField
from docket.web.views.customer_picker import CustomerPickerField


def _page() -> Any:
    from docket.web.views import document_page

    return document_page


class DocumentForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=300,
        widget=forms.TextInput(attrs={"autofocus": True}),  # htmx focuses it when swapped in
    )
    customer = CustomerPickerField(
        label=gettext_lazy("Customer"), queryset=Customer.objects.none(), scope="upload"
    )
    document_type = DisplayNameChoiceField(
        label=gettext_lazy("Document type"), queryset=DocumentType.objects.order_by("name")
    )
    document_date = forms.DateField(
        label=gettext_lazy("Document date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=Document.Status.choices)
    notes = forms.CharField(
        label=gettext_lazy("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, user: AbstractBaseUser, document: Document, **kw: Any):
        initial = {name: getattr(document, name) for name in services.DOCUMENT_EDITABLE_FIELDS}
        super().__init__(*args, initial=initial, **kw)
        # A document moves only to a customer one may file for; where it is stays allowed.
        # The picker offers them as the user types, never the whole list.
        uploadable = visible_customers(user=user, permission=Permission.UPLOAD).exclude(
            status=Customer.Status.MERGED
        )
        here = Customer.objects.filter(pk=document.customer_id)
        field = self.fields["customer"]
        field.queryset = field.choosable = uploadable | here


class TagForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Add a tag"), max_length=50, required=False)
    remove = forms.IntegerField(required=False)


def _locked_by_other(request: HttpRequest, document: Document) -> bool:
    lock = active_checkout(document)
    return lock is not None and lock.user_id != request.user.pk


@login_required
def document_edit_view(request: HttpRequest, document_id: int) -> HttpResponse:
    """GET: the details as a form (for htmx, that card only); POST: save what changed. While
    another user holds the check-out, GET shows the details read-only with who holds it."""
    page = _page()
    document = page.load(request, document_id, Permission.EDIT)
    if isinstance(document, HttpResponse):
        return document
    if request.method == "GET" and _locked_by_other(request, document):
        if request.htmx:  # the card, read-only, in place of the form asked for
            context = {"document": document, "page": page.document_page(request.user, document)}
            return render(request, "web/document/_details.html", context)
        lock = active_checkout(document)
        return page.page_response(request, document, status=423, error=page.lock_message(lock))
    form = DocumentForm(request.POST or None, user=request.user, document=document)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        if not changes:
            messages.info(request, _("Nothing was changed."))
            return redirect("web:document", document_id=document.pk)
        return page.run(request, document, lambda doc: _update(request, doc, changes))
    if request.htmx and request.method == "GET":
        return render(
            request, "web/document/_details.html", {"document": document, "edit_form": form}
        )
    return page.page_response(request, document, status=400 if form.errors else 200, edit_form=form)


def _update(request: HttpRequest, document: Document, changes: dict[str, Any]) -> str:
    services.document_update(actor=request.user, document=document, **changes)
    return _("The details are saved.")


@login_required
@require_POST
def document_tags_view(request: HttpRequest, document_id: int) -> HttpResponse:
    """Add a tag by name (made when new, as the API does) or take one off by its id."""
    page = _page()
    document = page.load(request, document_id, Permission.EDIT)
    if isinstance(document, HttpResponse):
        return document
    form = TagForm(request.POST)
    form.is_valid()
    name, remove = form.cleaned_data.get("name", ""), form.cleaned_data.get("remove")

    def change(document: Document) -> str:
        tags = list(document.tags.all())
        if remove:
            kept = [tag for tag in tags if tag.pk != remove]
            services.document_update(actor=request.user, document=document, tags=kept)
            return _("The tag is removed.")
        if not name:
            raise InvalidInput(_("Type the name of a tag."), field="name")
        with transaction.atomic():  # a refused change (checked out by another) makes no tag
            tag = catalog.tag_get_or_create(actor=request.user, name=name)
            services.document_update(actor=request.user, document=document, tags=[*tags, tag])
        return _("The tag %(name)s is added.") % {"name": tag.name}

    return page.run(request, document, change)


urlpatterns = [
    path("documents/<int:document_id>/edit/", document_edit_view, name="document-edit"),
    path("documents/<int:document_id>/tags/", document_tags_view, name="document-tags"),
]
