"""Template helpers for the UI: links that change one query parameter, file sizes."""

from django import template
from django.http import QueryDict
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def url_with(context: template.Context, key: str, value: object, toggle: bool = False) -> str:
    """This page's query string with `key` set to `value` (added to it for a list parameter
    with `toggle`, or taken out when already there), back on page 1."""
    query: QueryDict = context["request"].GET.copy()
    query.pop("page", None)
    value = str(value)
    if toggle:
        values = query.getlist(key)
        query.setlist(
            key, [v for v in values if v != value] if value in values else values + [value]
        )
    else:
        query[key] = value
    return "?" + query.urlencode()


@register.simple_tag(takes_context=True)
def url_page(context: template.Context, page: int) -> str:
    query: QueryDict = context["request"].GET.copy()
    query["page"] = str(page)
    return "?" + query.urlencode()


@register.simple_tag(takes_context=True)
def is_selected(context: template.Context, key: str, value: object) -> bool:
    return str(value) in context["request"].GET.getlist(key)


@register.filter
def filesize(size: int | None) -> str:
    if size is None:
        return ""
    for unit in ("B", "KB", "MB"):
        if size < 1024:
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


@register.filter
def level_name(level: int) -> str:
    from docket.access.models import Level

    return str(Level(level).label) if level in Level.values else _("unknown")


@register.filter
def notice_text(notice: str) -> str:
    """A notice (a search notice, a refusal) in the user's language (docket.core.notices)."""
    from docket.core.notices import translated

    return translated(notice)
