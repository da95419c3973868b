"""Reads of user accounts that more than one caller needs."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Value
from django.db.models.functions import Concat, Trim

__all__ = ["users_named"]


def users_named(text: str, *, limit: int = 10) -> list[AbstractBaseUser]:
    """The active users a person means by `text`: the one whose username it is, else those
    whose full name (as pages show it, 李娜) it is exactly. More than one means the name is
    shared and the caller must ask for the username. Ordered by username; two queries at most."""
    text = " ".join((text or "").split())
    if not text:
        return []
    active = get_user_model().objects.filter(is_active=True)
    by_username = list(active.filter(username=text)[:1])
    if by_username:
        return by_username
    # get_full_name() is "first last", stripped; user_create keeps the whole name in first.
    full_name = Trim(Concat("first_name", Value(" "), "last_name"))
    named = active.annotate(full_name=full_name).filter(full_name=text)
    return list(named.order_by("username")[:limit])
