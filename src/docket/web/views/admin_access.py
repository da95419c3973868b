"""Administration of who may do what (`manage_users`): users and teams.

Writes go through docket.accounts.services (user_create, user_deactivate, user_activate,
account_unlock) and docket.access.services (member_set, team_create, team_update), the same
as /api/access/* and /api/auth/unlock/; each records an audit event. Password and two-factor
resets are in admin_users.py, which this module includes; roles are in admin_roles.py.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import include, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from docket.access import services as access_services
from docket.access.models import Capability, Level, Member, Role, Team
from docket.accounts import services as account_services
from docket.audit.selectors import can_read_audit
from docket.core.errors import DocketError, NotFound
from docket.web.fields import DisplayNameChoiceField
from docket.web.views.administration import form_refusal, page, requires

MANAGE_USERS = Capability.MANAGE_USERS
USERS_PER_PAGE = 50
REFUSALS = {
    "Conflict:username": gettext_lazy("This username is already taken."),
    "Conflict:name": gettext_lazy("This name is already taken."),
    "parent": gettext_lazy("A team cannot be placed under itself or one of its sub-teams."),
}


def _user_or_404(user_id: int) -> Any:
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        raise NotFound(f"no user {user_id}")
    return user


def _teams_in_tree_order() -> list[tuple[Team, int]]:
    """Every team with its depth, each followed by its sub-teams (alphabetical within)."""
    teams = list(Team.objects.annotate(member_count=Count("members")).order_by("name"))
    children: dict[int | None, list[Team]] = {}
    for team in teams:
        children.setdefault(team.parent_id, []).append(team)
    ordered: list[tuple[Team, int]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for team in children.get(parent_id, []):
            ordered.append((team, depth))
            walk(team.pk, depth + 1)

    walk(None, 0)
    return ordered


def team_choices(tree: list[tuple[Team, int]], empty: str) -> list[tuple[Any, str]]:
    """Teams for a <select>, indented under their parents (a full-width space a level)."""
    return [("", empty)] + [(team.pk, "\u3000" * depth + team.name) for team, depth in tree]


class MemberForm(forms.Form):
    role = DisplayNameChoiceField(
        label=gettext_lazy("Role"), queryset=Role.objects.all(), required=False
    )
    team = forms.TypedChoiceField(
        label=gettext_lazy("Team"), required=False, coerce=int, empty_value=None
    )
    clearance = forms.TypedChoiceField(
        label=gettext_lazy("Clearance"),
        choices=Level.choices,
        coerce=int,
        initial=Level.INTERNAL,
        help_text=gettext_lazy("The highest confidentiality whose content the user may read."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].empty_label = _("No role (may do nothing)")
        tree = _teams_in_tree_order()
        self.teams = {team.pk: team for team, _depth in tree}
        self.fields["team"].choices = team_choices(tree, _("No team"))

    def clean_team(self) -> Team | None:
        team_id = self.cleaned_data["team"]
        return None if team_id is None else self.teams[team_id]


PASSWORD_HINT = gettext_lazy(
    "At least 10 characters, not a common password, not only digits, not like the "
    "username. Ask the user to keep it to themselves."
)


class PasswordForm(forms.Form):
    """A new password set by an administrator (admin_users.py), typed twice."""

    password = forms.CharField(
        label=gettext_lazy("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=PASSWORD_HINT,
    )
    confirmation = forms.CharField(
        label=gettext_lazy("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("password") and data.get("confirmation") not in (None, data["password"]):
            self.add_error("confirmation", _("The two passwords are not the same."))
        return data


class UserCreateForm(MemberForm):
    username = forms.CharField(label=gettext_lazy("Username"), max_length=150)
    name = forms.CharField(label=gettext_lazy("Full name"), max_length=150, required=False)
    password = forms.CharField(
        label=gettext_lazy("Initial password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=PASSWORD_HINT,
    )
    field_order = ["username", "name", "password", "role", "team", "clearance"]


@requires(MANAGE_USERS)
def users_view(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    users: QuerySet = (
        get_user_model()
        .objects.select_related("member__role", "member__team")
        .annotate(has_2fa=Exists(TOTPDevice.objects.filter(user_id=OuterRef("pk"), confirmed=True)))
        .order_by("username")
    )
    if query:
        users = users.filter(Q(username__icontains=query) | Q(first_name__icontains=query))
    role_id = request.GET.get("role", "")
    role = Role.objects.filter(pk=role_id).first() if role_id.isdigit() else None
    if role is not None:  # from a role's delete page: who still holds it
        users = users.filter(member__role=role)
    listing = Paginator(users, USERS_PER_PAGE).get_page(request.GET.get("page"))
    locked = account_services.locked_accounts(usernames=[u.username for u in listing])
    rows = [(user, locked.get(user.username)) for user in listing]
    context = {"listing": listing, "rows": rows, "q": query, "role": role}
    context["may_read_audit"] = can_read_audit(request.user)
    return page(request, "web/admin/users.html", context)


@requires(MANAGE_USERS)
def user_create_view(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = account_services.user_create(actor=request.user, **form.cleaned_data)
        except DocketError as error:
            form_refusal(form, error, REFUSALS)
        else:
            messages.success(request, _("User %(name)s was created.") % {"name": user.username})
            return redirect("web:admin-user", user_id=user.pk)
    context = {"form": form}
    return page(request, "web/admin/user_create.html", context)


@requires(MANAGE_USERS)
def user_view(request: HttpRequest, user_id: int) -> HttpResponse:
    """One user: their place (role, team, clearance), changed with member_set."""
    person = _user_or_404(user_id)
    member = Member.objects.filter(user=person).select_related("role", "team").first()
    form = MemberForm(request.POST or None, initial=_place(member))
    if request.method == "POST" and form.is_valid():
        try:
            access_services.member_set(actor=request.user, user=person, **form.cleaned_data)
        except DocketError as error:
            form_refusal(form, error, REFUSALS)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("web:admin-user", user_id=person.pk)
    return user_page(request, person, member=member, form=form)


def _place(member: Member | None) -> dict[str, Any]:
    if member is None:
        return {"clearance": Level.INTERNAL}
    return {"role": member.role, "team": member.team_id, "clearance": member.clearance}


def user_page(
    request: HttpRequest,
    person: Any,
    *,
    member: Member | None = None,
    form: MemberForm | None = None,
    password_form: PasswordForm | None = None,
) -> HttpResponse:
    """The user's page, with the forms given (bound, to show their errors) or fresh ones."""
    if member is None:
        member = Member.objects.filter(user=person).select_related("role", "team").first()
    locked = account_services.locked_accounts(usernames=[person.username])
    context = {
        "person": person,
        "member": member,
        "form": MemberForm(initial=_place(member)) if form is None else form,
        "password_form": PasswordForm() if password_form is None else password_form,
        "locked_until": locked.get(person.username),
        "has_2fa": TOTPDevice.objects.filter(user=person, confirmed=True).exists(),
        "is_self": person.pk == request.user.pk,
    }
    return page(request, "web/admin/user.html", context)


@require_POST
@requires(MANAGE_USERS)
def user_active_view(request: HttpRequest, user_id: int) -> HttpResponse:
    person = _user_or_404(user_id)
    if request.POST.get("active") == "1":
        account_services.user_activate(actor=request.user, user=person)
        messages.success(request, _("The account can sign in again."))
    else:
        try:
            account_services.user_deactivate(actor=request.user, user=person)
        except DocketError as error:
            if error.status_code == 403:
                raise
            messages.error(request, _("You cannot deactivate your own account."))
        else:
            messages.success(request, _("The account was deactivated and signed out everywhere."))
    return redirect("web:admin-user", user_id=person.pk)


@require_POST
@requires(MANAGE_USERS)
def user_unlock_view(request: HttpRequest, user_id: int) -> HttpResponse:
    person = _user_or_404(user_id)
    account_services.account_unlock(actor=request.user, username=person.username, request=request)
    messages.success(request, _("The account was unlocked."))
    return redirect("web:admin-user", user_id=person.pk)


class TeamForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    parent = forms.TypedChoiceField(
        label=gettext_lazy("Part of"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, tree: list[tuple[Team, int]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.teams = {team.pk: team for team, _depth in tree}
        self.fields["parent"].choices = team_choices(tree, _("None (a top-level team)"))

    def clean_parent(self) -> Team | None:
        team_id = self.cleaned_data["parent"]
        return None if team_id is None else self.teams[team_id]


@requires(MANAGE_USERS)
def teams_view(request: HttpRequest) -> HttpResponse:
    """The tree of teams, and a form for a new one."""
    tree = _teams_in_tree_order()
    form = TeamForm(request.POST or None, tree=tree)
    if request.method == "POST" and form.is_valid():
        try:
            team = access_services.team_create(actor=request.user, **form.cleaned_data)
        except DocketError as error:
            form_refusal(form, error, REFUSALS)
        else:
            messages.success(request, _("Team %(name)s was created.") % {"name": team.name})
            return redirect("web:admin-teams")
    context = {"forest": _forest(tree), "form": form}
    return page(request, "web/admin/teams.html", context)


def _forest(tree: list[tuple[Team, int]]) -> list[dict[str, Any]]:
    """The teams as nested nodes ({"team", "children"}), for a nested list."""
    roots: list[dict[str, Any]] = []
    path: list[dict[str, Any]] = []  # the open branch, one node per depth
    for team, depth in tree:
        node: dict[str, Any] = {"team": team, "children": []}
        del path[depth:]
        (path[-1]["children"] if path else roots).append(node)
        path.append(node)
    return roots


@requires(MANAGE_USERS)
def team_view(request: HttpRequest, team_id: int) -> HttpResponse:
    """Rename a team or move it under another."""
    tree = _teams_in_tree_order()
    team = next((t for t, _depth in tree if t.pk == team_id), None)
    if team is None:
        raise NotFound(f"no team {team_id}")
    initial = {"name": team.name, "parent": team.parent_id}
    form = TeamForm(request.POST or None, tree=tree, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            access_services.team_update(actor=request.user, team=team, **form.cleaned_data)
        except DocketError as error:
            form_refusal(form, error, REFUSALS)
        else:
            messages.success(request, _("Team %(name)s was saved.") % {"name": team.name})
            return redirect("web:admin-teams")
    context = {"team": team, "form": form}
    return page(request, "web/admin/team.html", context)


urlpatterns = [
    path("users/", users_view, name="admin-users"),
    path("users/new/", user_create_view, name="admin-user-create"),
    path("users/<int:user_id>/", user_view, name="admin-user"),
    path("users/<int:user_id>/active/", user_active_view, name="admin-user-active"),
    path("users/<int:user_id>/unlock/", user_unlock_view, name="admin-user-unlock"),
    # Password and two-factor resets; a module that imports this one's forms and page.
    path("", include("docket.web.views.admin_users")),
    path("teams/", teams_view, name="admin-teams"),
    path("teams/<int:team_id>/", team_view, name="admin-team"),
]
