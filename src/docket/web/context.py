"""What every page's frame needs: the sections the signed-in user may open."""

from typing import Any

from django.http import HttpRequest

from docket.access import rules
from docket.access.models import Capability

__all__ = ["navigation"]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "may_administer": any(
            rules.has_capability(user, capability)
            for capability in (
                Capability.MANAGE_USERS,
                Capability.MANAGE_CATALOG,
                Capability.VIEW_AUDIT,
            )
        ),
    }
