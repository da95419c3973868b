"""The audit filters as the API and the CLI take them (text), turned into `audit_events`
arguments. A bad value is an InvalidInput naming its parameter (400 in the API)."""

import datetime
import zoneinfo
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_noop as _

from docket.audit.models import AuditEvent
from docket.core.errors import InvalidInput
from docket.core.notices import Notice

__all__ = ["FILTER_NAMES", "event_filters", "parse_moment"]

FILTER_NAMES = ("document", "customer", "user", "action", "since", "until")


def event_filters(params: Mapping[str, Any]) -> dict[str, Any]:
    """document=ID, customer=ID, user=ID or username, action=NAME, since=/until= a date
    (YYYY-MM-DD, in settings.TIME_ZONE; `until` includes that whole day) or an ISO datetime."""
    found: dict[str, Any] = {}
    for name, key in (("document", "document_id"), ("customer", "customer_id")):
        if value := _text(params, name):
            if not value.isdigit():
                raise InvalidInput(
                    Notice(_("%(name)s must be a whole number"), name=name), field=name
                )
            found[key] = int(value)
    if user := _text(params, "user"):
        found.update(_actor(user))
    if action := _text(params, "action"):
        if action not in AuditEvent.Action.values:
            choices = ", ".join(AuditEvent.Action.values)
            raise InvalidInput(
                Notice(_("action must be one of: %(choices)s"), choices=choices), field="action"
            )
        found["action"] = action
    if since := _text(params, "since"):
        found["since"] = parse_moment(since, field="since")
    if until := _text(params, "until"):
        found["until"] = parse_moment(until, field="until", end_of_day=True)
    return found


def _text(params: Mapping[str, Any], name: str) -> str:
    value = params.get(name)
    return "" if value is None else str(value).strip()


def _actor(value: str) -> dict[str, Any]:
    if value.isdigit():
        return {"actor_id": int(value)}
    users = get_user_model().objects
    pk = users.filter(**{users.model.USERNAME_FIELD: value}).values_list("pk", flat=True).first()
    # A deleted (or renamed) user's events still carry the name they were recorded under.
    return {"actor_id": pk} if pk is not None else {"actor_name": value}


def parse_moment(value: str, *, field: str, end_of_day: bool = False) -> datetime.datetime:
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    try:
        day = parse_date(value)
        moment = None if day else parse_datetime(value)
    except ValueError:
        day = moment = None
    if day is not None:
        if end_of_day:
            day += datetime.timedelta(days=1)
        return datetime.datetime.combine(day, datetime.time(), tzinfo=tz)
    if moment is None:
        raise InvalidInput(
            Notice(
                _("%(name)s must be a date (YYYY-MM-DD) or a date and time (YYYY-MM-DDTHH:MM)"),
                name=field,
            ),
            field=field,
        )
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)
