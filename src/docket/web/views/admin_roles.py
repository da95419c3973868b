"""Administration of roles (`manage_users`): what each may do, over which customers, and
whether it needs two-factor; new roles, and deleting one that no one holds.

Writes go through docket.access.roles (role_create, role_update, role_delete), the same
as /api/access/roles/; each records an audit event. The seeded roles can be edited, not
deleted (access.roles.BUILT_IN_ROLES).
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from docket.access import roles as access_roles
from docket.access.models import Capability, Member, Permission, Role, Scope
from docket.core.errors import Conflict, DocketError, NotFound
from docket.web.views.administration import form_refusal, page, requires

MANAGE_USERS = Capability.MANAGE_USERS
REFUSALS = {
    "Conflict:name": gettext_lazy("This name is already taken."),
    "Conflict:capabilities": gettext_lazy(
        "Your own role would lose the right to manage users; give it back that right first."
    ),
}


class RoleForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=50)
    description = forms.CharField(label=gettext_lazy("Description"), max_length=300, required=False)
    scope = forms.ChoiceField(
        label=gettext_lazy("Customers covered"),
        choices=Scope.choices,
        widget=forms.RadioSelect,
        initial=Scope.OWN,
    )
    permissions = forms.MultipleChoiceField(
        label=gettext_lazy("Permissions on those customers' documents"),
        choices=Permission.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    capabilities = forms.MultipleChoiceField(
        label=gettext_lazy("Capabilities"),
        choices=Capability.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    requires_2fa = forms.BooleanField(
        label=gettext_lazy("Members must use two-factor authentication"), required=False
    )


def _role_or_404(role_id: int) -> Role:
    role = Role.objects.filter(pk=role_id).first()
    if role is None:
        raise NotFound(f"no role {role_id}")
    return role


@requires(MANAGE_USERS)
def roles_view(request: HttpRequest) -> HttpResponse:
    roles = list(Role.objects.annotate(member_count=Count("member")).order_by("id"))
    for role in roles:  # labels in the user's language, in the choices' order
        role.scope_label = dict(Scope.choices).get(role.scope, role.scope)
        role.permission_labels = _labels(Permission, role.permissions)
        role.capability_labels = _labels(Capability, role.capabilities)
        role.built_in = role.code in access_roles.BUILT_IN_ROLES
    return page(request, "web/admin/roles.html", {"roles": roles})


def _labels(choices: Any, values: list[str]) -> list[str]:
    return [str(label) for value, label in choices.choices if value in values]


@requires(MANAGE_USERS)
def role_create_view(request: HttpRequest) -> HttpResponse:
    form = RoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            role = access_roles.role_create(actor=request.user, **form.cleaned_data)
        except DocketError as error:
            form_refusal(form, error, REFUSALS)
        else:
            messages.success(request, _("Role %(name)s was created.") % {"name": role.display_name})
            return redirect("web:admin-roles")
    return page(request, "web/admin/role_create.html", {"form": form})


@requires(MANAGE_USERS)
def role_view(request: HttpRequest, role_id: int) -> HttpResponse:
    role = _role_or_404(role_id)
    initial = {field: getattr(role, field) for field in access_roles.ROLE_FIELDS}
    form = RoleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            access_roles.role_update(actor=request.user, role=role, **form.cleaned_data)
        except DocketError as error:
            form_refusal(form, error, REFUSALS)
        else:
            messages.success(request, _("Role %(name)s was saved.") % {"name": role.display_name})
            return redirect("web:admin-roles")
    built_in = role.code in access_roles.BUILT_IN_ROLES
    context = {"role": role, "form": form, "built_in": built_in}
    return page(request, "web/admin/role.html", context)


@requires(MANAGE_USERS)
def role_delete_view(request: HttpRequest, role_id: int) -> HttpResponse:
    """Ask first; a role that users hold, or a built-in one, is refused with the reason (the
    page says how many hold it and links to them)."""
    role = _role_or_404(role_id)
    if request.method == "POST":
        try:
            access_roles.role_delete(actor=request.user, role=role)
        except Conflict:
            pass  # the page says why, with the numbers of now
        else:
            messages.success(request, _("Role %(name)s was deleted.") % {"name": role.display_name})
            return redirect("web:admin-roles")
    context = {
        "role": role,
        "built_in": role.code in access_roles.BUILT_IN_ROLES,
        "holders": Member.objects.filter(role=role).count(),
    }
    return page(request, "web/admin/role_delete.html", context)


urlpatterns = [
    path("roles/", roles_view, name="admin-roles"),
    path("roles/new/", role_create_view, name="admin-role-create"),
    path("roles/<int:role_id>/", role_view, name="admin-role"),
    path("roles/<int:role_id>/delete/", role_delete_view, name="admin-role-delete"),
]
