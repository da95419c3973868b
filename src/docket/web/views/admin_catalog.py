"""Administration of the catalogue (`manage_catalog`): document types with their archive
number pattern (档号) and naming rule (命名规则), and tags.

Writes go through docket.documents.catalog, the same services as /api/document-types/ and
/api/tags/; each records an audit event. The type form previews, as it is typed (htmx), the
archive number and file name an example document would get.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from docket.access.models import Capability
from docket.core.errors import DocketError, InvalidInput, NotFound
from docket.documents import catalog
from docket.documents.models import (
    DEFAULT_NAMING_TEMPLATE,
    DEFAULT_NUMBER_PATTERN,
    DocumentType,
    Tag,
)
from docket.web.views.administration import form_refusal, page, requires

MANAGE_CATALOG = Capability.MANAGE_CATALOG
TYPE_REFUSALS = {
    "number_pattern": gettext_lazy(
        "This archive number pattern does not work. It must contain {seq}, the running "
        "number, and may also use {code} and {year}, each in braces."
    ),
    "naming_template": gettext_lazy(
        "This naming rule does not work. It may use only {customer}, {type}, {date}, {title} "
        "and {archive_number}, each in braces."
    ),
    "Conflict:None": gettext_lazy("A document type with this name or code already exists."),
}
TAG_REFUSALS = {
    "Conflict:name": gettext_lazy("A tag with this name already exists."),
    "color": gettext_lazy("Choose a colour."),
}


def _code_input() -> forms.TextInput:
    return forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"})


class DocumentTypeForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=50)
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=10,
        widget=_code_input(),
        help_text=gettext_lazy("A few letters, used in archive numbers."),
    )
    number_pattern = forms.CharField(
        label=gettext_lazy("Archive number pattern"),
        max_length=100,
        initial=DEFAULT_NUMBER_PATTERN,
        widget=_code_input(),
        help_text=gettext_lazy(
            "{code} the type's code, {year} the document's year, {seq} the running number; "
            "{seq:04d} pads it to four digits."
        ),
    )
    naming_template = forms.CharField(
        label=gettext_lazy("Naming rule"),
        max_length=200,
        initial=DEFAULT_NAMING_TEMPLATE,
        widget=_code_input(),
        help_text=gettext_lazy(
            "{customer}, {type}, {date}, {title}, {archive_number}; {date:%Y%m%d} writes "
            "the date as 20230101."
        ),
    )


def _type_or_404(type_id: int) -> DocumentType:
    document_type = DocumentType.objects.filter(pk=type_id).first()
    if document_type is None:
        raise NotFound(f"no document type {type_id}")
    return document_type


def _preview(user: Any, values: dict[str, str]) -> dict[str, Any]:
    """The preview's context: an example, or why there is none."""
    fields = ("name", "code", "number_pattern", "naming_template")
    try:
        example = catalog.document_type_preview(
            actor=user, **{key: values.get(key) or "" for key in fields}
        )
    except InvalidInput as error:
        message = TYPE_REFUSALS.get(str(error.field))
        if message is None:  # a name or a code is missing: nothing to say yet
            return {"preview_missing": True}
        return {"preview_error": message}
    return {
        "example": example,
        "example_customer": catalog.PREVIEW_CUSTOMER,
        "example_title": catalog.PREVIEW_TITLE,
    }


def _type_page(request: HttpRequest, form: DocumentTypeForm, template: str, **context: Any):
    """A page with the type form, its preview showing what the form holds now."""
    values = form.data if form.is_bound else {k: form[k].value() for k in form.fields}
    context |= {"form": form, **_preview(request.user, values)}
    return page(request, template, context)


@requires(MANAGE_CATALOG)
def types_view(request: HttpRequest) -> HttpResponse:
    """The types with an example of each one's numbers and names, and a form for a new one."""
    form = DocumentTypeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = catalog.document_type_create(actor=request.user, **form.cleaned_data)
        except DocketError as error:
            form_refusal(form, error, TYPE_REFUSALS)
        else:
            messages.success(
                request, _("Document type %(name)s was created.") % {"name": created.display_name}
            )
            return redirect("web:admin-types")
    rows = []
    for document_type in DocumentType.objects.order_by("name"):
        values = {key: getattr(document_type, key) for key in catalog.DOCUMENT_TYPE_FIELDS}
        rows.append((document_type, _preview(request.user, values).get("example")))
    return _type_page(request, form, template="web/admin/types.html", rows=rows)


@requires(MANAGE_CATALOG)
def type_view(request: HttpRequest, type_id: int) -> HttpResponse:
    document_type = _type_or_404(type_id)
    initial = {key: getattr(document_type, key) for key in catalog.DOCUMENT_TYPE_FIELDS}
    form = DocumentTypeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            catalog.document_type_update(
                actor=request.user, document_type=document_type, **form.cleaned_data
            )
        except DocketError as error:
            form_refusal(form, error, TYPE_REFUSALS)
        else:
            messages.success(
                request,
                _("Document type %(name)s was saved.") % {"name": document_type.display_name},
            )
            return redirect("web:admin-types")
    template = "web/admin/type.html"
    return _type_page(request, form, template=template, document_type=document_type)


@requires(MANAGE_CATALOG)
def type_preview_view(request: HttpRequest) -> HttpResponse:
    """The live preview under the type form (htmx, GET with the form's fields)."""
    context = _preview(request.user, request.GET.dict())
    return render(request, "web/admin/_type_preview.html", context)


class TagForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=50)
    color = forms.RegexField(
        label=gettext_lazy("Colour"),
        regex=catalog.COLOR,
        initial=catalog.DEFAULT_TAG_COLOR,
        widget=forms.TextInput(attrs={"type": "color"}),
        error_messages={"invalid": gettext_lazy("Choose a colour.")},
    )


def _tags() -> Any:
    live = Q(documents__deleted_at__isnull=True)
    return Tag.objects.annotate(document_count=Count("documents", filter=live)).order_by("name")


def _tag_or_404(tag_id: int) -> Tag:
    tag = _tags().filter(pk=tag_id).first()
    if tag is None:
        raise NotFound(f"no tag {tag_id}")
    return tag


@requires(MANAGE_CATALOG)
def tags_view(request: HttpRequest) -> HttpResponse:
    form = TagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tag = catalog.tag_create(actor=request.user, **form.cleaned_data)
        except DocketError as error:
            form_refusal(form, error, TAG_REFUSALS)
        else:
            messages.success(request, _("Tag %(name)s was created.") % {"name": tag.name})
            return redirect("web:admin-tags")
    rows = [(tag, _row_form(tag)) for tag in _tags()]
    context = {"form": form, "rows": rows}
    return page(request, "web/admin/tags.html", context)


def _row_form(tag: Tag, data: Any = None) -> TagForm:
    """The inline form of one tag's row (prefixed: the page has one per tag)."""
    initial = {"name": tag.name, "color": tag.color}
    return TagForm(data, prefix=f"tag-{tag.pk}", initial=initial)


@requires(MANAGE_CATALOG)
def tag_view(request: HttpRequest, tag_id: int) -> HttpResponse:
    """Rename or recolour a tag: its row again for htmx, else back to the list."""
    tag = _tag_or_404(tag_id)
    if request.method != "POST":
        return redirect("web:admin-tags")
    form = _row_form(tag, request.POST)
    saved = False
    if form.is_valid():
        try:
            catalog.tag_update(actor=request.user, tag=tag, **form.cleaned_data)
            saved = True
        except DocketError as error:
            form_refusal(form, error, TAG_REFUSALS)
    if request.htmx:  # 200 even for a refusal: htmx swaps only successful answers
        context = {"tag": tag, "form": form, "saved": saved}
        return render(request, "web/admin/_tag_form.html", context)
    if saved:
        messages.success(request, _("Tag %(name)s was saved.") % {"name": tag.name})
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("web:admin-tags")


@requires(MANAGE_CATALOG)
def tag_delete_view(request: HttpRequest, tag_id: int) -> HttpResponse:
    """Ask first (saying how many documents carry the tag), then delete."""
    tag = _tag_or_404(tag_id)
    if request.method == "POST":
        catalog.tag_delete(actor=request.user, tag=tag)
        messages.success(request, _("Tag %(name)s was deleted.") % {"name": tag.name})
        return redirect("web:admin-tags")
    return page(request, "web/admin/tag_delete.html", {"tag": tag})


urlpatterns = [
    path("types/", types_view, name="admin-types"),
    path("types/preview/", type_preview_view, name="admin-type-preview"),
    path("types/<int:type_id>/", type_view, name="admin-type"),
    path("tags/", tags_view, name="admin-tags"),
    path("tags/<int:tag_id>/", tag_view, name="admin-tag"),
    path("tags/<int:tag_id>/delete/", tag_delete_view, name="admin-tag-delete"),
]
