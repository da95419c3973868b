"""The documents list: search and browse in one page, with filters, facets and highlighted
snippets. It runs the same search as /api/search/ (docket.search.engine)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from docket.audit.models import AuditEvent
from docket.audit.services import audit_record
from docket.customers.models import Customer
from docket.customers.selectors import visible_customers
from docket.documents.models import Document, DocumentType, Tag
from docket.search.engine import SearchResult, search
from docket.search.serializers import SearchParamsSerializer
from docket.web.views.customer_picker import customer_for_text
from docket.web.views.document_trash import may_use_trash

PAGE_SIZE = 20
# The page's name for each parameter of the search (the API's errors name its fields), and
# what is wrong with a value it refused: an id, a choice or a date, each in its own words.
FILTER_LABELS = {
    "q": gettext_lazy("Search"),
    "customer": gettext_lazy("Customer"),
    "type": gettext_lazy("Type"),
    "tag": gettext_lazy("Tag"),
    "status": gettext_lazy("Status"),
    "date_after": gettext_lazy("Dated from"),
    "date_before": gettext_lazy("Dated until"),
    "created_after": gettext_lazy("Uploaded from"),
    "created_before": gettext_lazy("Uploaded until"),
    "uploaded_by": gettext_lazy("Uploaded by"),
    "sort": gettext_lazy("Sort by"),
    "page": gettext_lazy("Page"),
    "page_size": gettext_lazy("Documents per page"),
    "understand": gettext_lazy("Reading of the query"),
    "facets": gettext_lazy("Narrow down"),
}
NOT_A_CHOICE = gettext_lazy("not a valid choice")
NOT_A_DATE = gettext_lazy("not a valid date; write it as 2023-01-01")
FILTER_PROBLEMS: dict[str, Promise] = {
    **dict.fromkeys(
        ("customer", "type", "tag", "status", "uploaded_by", "sort", "understand", "facets"),
        NOT_A_CHOICE,
    ),
    **dict.fromkeys(("date_after", "date_before", "created_after", "created_before"), NOT_A_DATE),
}
NUMBERS = ("page", "page_size")  # said with the serializer's bounds
# A range whose end comes before its start finds nothing: said, not silently answered.
RANGES = (("date_after", "date_before"), ("created_after", "created_before"))


@login_required
def documents_view(request: HttpRequest) -> HttpResponse:
    data = QueryDict(mutable=True)
    for key, values in request.GET.lists():  # a form's empty selects mean "any"
        if given := [value for value in values if value != ""]:
            data.setlist(key, given)
    data["q"] = data.get("q", "").replace("\x00", "")
    data.setdefault("page_size", str(PAGE_SIZE))
    if data.get("year", "").isdigit():  # the year facet: a range of document dates
        year = data.pop("year")[-1]
        data.setdefault("date_after", f"{year}-01-01")
        data.setdefault("date_before", f"{year}-12-31")
    data.pop("customer_text", None)  # emptied means something here: read from GET
    customer_text = request.GET.get("customer_text")
    try:
        picked = _picked_customer(request, data, customer_text)
    except ValidationError as error:
        picked, customer_problem = None, error.messages[0]
    else:
        customer_problem = ""
    customer_ids = data.getlist("customer")
    params = SearchParamsSerializer(data=data)
    types = list(DocumentType.objects.order_by("name"))  # the filter's, and the facets' names
    context = {
        "section": "documents",
        "q": data["q"],
        "types": types,
        "tags": Tag.objects.order_by("name"),
        "statuses": Document.Status.choices,
        "sort": data.get("sort", "relevance"),
        "picked_customer": picked,  # the filter's picker shows it
        "customer_ids": [] if picked else customer_ids,  # several (facets): kept as they are
        "customer_text": customer_text if customer_problem else "",
        "customer_problem": customer_problem,
    }
    status = 200
    if customer_problem:
        status = 400
    elif not params.is_valid():
        context["errors"] = _filter_problems(params.errors)
        status = 400
    elif reversed_range := _reversed_range(params.validated_data):
        context["errors"] = [reversed_range]
        status = 400
    else:
        result = search(user=request.user, params=params.to_params())
        if data["q"]:
            audit_record(
                action=AuditEvent.Action.SEARCH,
                actor=request.user,
                request=request,
                details={"q": data["q"][:500], "count": result.count},
            )
        _show_type_names(result, {t.id: t.display_name for t in types})
        page = params.validated_data["page"]
        context |= {"result": result, "page": page, **_pages(result, page)}
    if not request.htmx:  # the whole page: its link to the trash
        context["may_trash"] = may_use_trash(request.user)
    template = "web/documents/_results.html" if request.htmx else "web/documents/list.html"
    return render(request, template, context, status=status)


def _show_type_names(result: SearchResult, names: dict[int, str]) -> None:
    """The search names types as stored (the API's answer); the page shows each as the user
    reads it (a seeded 合同 is Contract in English): in the facets and in what was read."""
    for row in (result.facets or {}).get("type", []):
        row["name"] = names.get(row["id"], row["name"])
    for understood in result.understood:
        if understood.kind == "type":
            for value in understood.values:
                value["name"] = names.get(value["id"], value["name"])


def _picked_customer(request: HttpRequest, data: QueryDict, text: str | None) -> Customer | None:
    """The one customer the list is filtered by, if the user may see it (an id in the address
    must not reveal another's name). `text` is the picker's text box, sent by its form: when
    it no longer names the chosen customer (typed without the script, or typed and sent
    without choosing), the customer it means replaces the ids in `data`; emptied, it clears
    the one chosen. A text that means none or several is a ValidationError."""
    customers = visible_customers(user=request.user).only("id", "name")
    ids = data.getlist("customer")
    chosen = customers.filter(pk=ids[0]).first() if len(ids) == 1 and ids[0].isdigit() else None
    text = " ".join((text or "").split()) if text is not None else None
    if text is None or (chosen and text == " ".join(chosen.name.split())):
        return chosen
    if not text:
        if len(ids) == 1:
            data.pop("customer")
        return None
    customer = customer_for_text(customers, text)
    data.setlist("customer", [str(customer.pk)])
    return customer


def _filter_problems(errors: dict) -> list[str]:
    """The serializer's errors as the page says them: each filter by its label, with what is
    wrong in the user's words (not the field's name and the index of a list's bad item)."""
    problems = []
    for field, detail in errors.items():
        label = FILTER_LABELS.get(field, field)
        if field in NUMBERS:
            bounds = SearchParamsSerializer().fields[field]
            problem = _("not a whole number from %(min)s to %(max)s") % {
                "min": bounds.min_value,
                "max": bounds.max_value,
            }
        else:
            problem = FILTER_PROBLEMS.get(field) or " ".join(_messages(detail))
        problems.append(_("%(label)s: %(problem)s") % {"label": label, "problem": problem})
    return problems


def _messages(detail: object) -> list[str]:
    """The messages of a DRF error detail, however nested (a list field's are by index)."""
    if isinstance(detail, dict):
        return [message for value in detail.values() for message in _messages(value)]
    if isinstance(detail, list):
        return [message for value in detail for message in _messages(value)]
    return [str(detail)]


def _reversed_range(data: dict) -> str:
    for start, end in RANGES:
        if data.get(start) and data.get(end) and data[end] < data[start]:
            return _("%(label)s: %(problem)s") % {
                "label": FILTER_LABELS[end],
                "problem": _("the end date is before the start date"),
            }
    return ""


def _pages(result: SearchResult, page: int) -> dict:
    """Previous and next; past the counted matches of a very common word, pages go on as
    long as they are full. A page past the last (an old link, a typed number) has neither:
    it links back to the first."""
    past_end = page > 1 and not result.hits
    if result.count_exact:
        has_next = page * PAGE_SIZE < result.count
    else:
        has_next = len(result.hits) == PAGE_SIZE
    return {
        "past_end": past_end,
        "previous_page": page - 1 if page > 1 and not past_end else None,
        "next_page": page + 1 if has_next and not past_end else None,
    }
