"""A document type's naming rule at work (`manage_catalog`), on the type's page: the
documents whose names the rule would change, a page at a time, and applying the rule —
a preview of the renames first, then a confirmation.

Both come from docket.documents.naming, as `docket naming apply` and
/api/document-types/{id}/apply-naming/ do; applying goes through naming_rule_apply, which
records it in the audit trail. One confirmation renames at most APPLY_LIMIT documents, so
a request stays short; the page then offers to apply again for the rest (the command line
renames any number in one go).
"""

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from docket.access.models import Permission
from docket.access.rules import documents_q
from docket.documents import naming
from docket.documents.models import Document, DocumentType, Version
from docket.web.views.admin_catalog import MANAGE_CATALOG, _type_or_404
from docket.web.views.administration import page, requires

REPORT_ROWS = 25
PREVIEW_ROWS = 20
APPLY_LIMIT = 500


def _visible(user: Any, document_type: DocumentType) -> QuerySet[Document]:
    """The type's documents whose metadata the user may see (trashed ones too: applying
    renames them as well)."""
    return Document.all_objects.filter(
        documents_q(user, Permission.VIEW, content=False), document_type=document_type
    )


@requires(MANAGE_CATALOG)
def type_names_view(request: HttpRequest, type_id: int) -> HttpResponse:
    """The report: documents whose names are off the type's current rule (a page of them,
    `after` the last one of the page before). Its own page, or its section for htmx."""
    document_type = _type_or_404(type_id)
    after = request.GET.get("after", "")
    found = naming.off_rule(
        _visible(request.user, document_type),
        after=int(after) if after.isdigit() else 0,
        limit=REPORT_ROWS,
    )
    uploaded = dict(
        Version.objects.filter(
            document_id__in=[d.pk for d in found.documents], number=1
        ).values_list("document_id", "original_name")
    )
    context = {
        "document_type": document_type,
        "rows": [(d, d.rule_stem, uploaded.get(d.pk, "")) for d in found.documents],
        "next_after": found.next_after,
        "paged": after.isdigit(),
    }
    if request.htmx:
        return render(request, "web/admin/_type_names.html", context)
    return page(request, "web/admin/type_names.html", context)


@requires(MANAGE_CATALOG)
def type_rename_view(request: HttpRequest, type_id: int) -> HttpResponse:
    """GET: what applying the rule would do (a dry run). POST: do it, for up to APPLY_LIMIT
    documents, if the rule is still the one previewed."""
    document_type = _type_or_404(type_id)
    if request.method == "POST":
        return _apply(request, document_type)
    preview = naming.naming_rule_apply(
        actor=request.user, document_type=document_type, dry_run=True, limit=PREVIEW_ROWS
    )
    ids = [rename.document_id for rename in preview.renames]
    visible = _visible(request.user, document_type).filter(id__in=ids)
    shown = set(visible.values_list("id", flat=True))
    renames = [r for r in preview.renames if r.document_id in shown]
    total = naming.count_off_rule(Document.all_objects.filter(document_type=document_type))
    context = {
        "document_type": document_type,
        "renames": renames,
        "hidden": len(preview.renames) - len(renames),
        "total": total,
        "limit": APPLY_LIMIT,
    }
    return page(request, "web/admin/type_rename.html", context)


def _apply(request: HttpRequest, document_type: DocumentType) -> HttpResponse:
    if request.POST.get("rule") != document_type.naming_template:
        messages.error(
            request, _("The naming rule changed after the preview. Check the renames again.")
        )
        return redirect("web:admin-type-rename", type_id=document_type.pk)
    renaming = naming.naming_rule_apply(
        actor=request.user, document_type=document_type, limit=APPLY_LIMIT
    )
    count = len(renaming.renames)
    text = ngettext(
        "%(count)s document was renamed.", "%(count)s documents were renamed.", count
    ) % {"count": count}
    if renaming.more:
        text += " " + _("More names are still off the rule: apply it again for the next ones.")
    messages.success(request, text)
    return redirect(reverse("web:admin-type", args=[document_type.pk]) + "#names")


urlpatterns = [
    path("types/<int:type_id>/names/", type_names_view, name="admin-type-names"),
    path("types/<int:type_id>/rename/", type_rename_view, name="admin-type-rename"),
]
