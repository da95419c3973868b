"""One page for a refusal that leaves nothing to show: not found (or not the user's to see),
not allowed, or a request that cannot be answered. A 403 goes into the audit trail, as the
API's refusals do (docket.audit.services.denial_record)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from docket.audit.services import denial_record
from docket.core.errors import DocketError
from docket.web.errors import message_for

__all__ = ["refusal_page", "refusal_status"]


def refusal_status(error: DocketError) -> int:
    return error.status_code if error.status_code in (403, 404) else 400


def refusal_page(
    request: HttpRequest,
    error: DocketError,
    *,
    section: str = "",
    heading: str = "",
    back_url: str = "",
    back_label: str = "",
    document_id: int | None = None,
) -> HttpResponse:
    status = refusal_status(error)
    if status == 403:
        denial_record(request=request, document_id=document_id)
    headings = {
        404: _("Not found"),
        403: _("Not allowed"),
        400: _("This request cannot be answered"),
    }
    context = {
        "section": section,
        "heading": heading or headings[status],
        "message": message_for(error),
        "back_url": back_url,
        "back_label": back_label,
    }
    return render(request, "web/refused.html", context, status=status)
