"""The document page's "give a permission" form names people as the pages do: by username or
by full name (李娜), refusing a name that two people share; the team's select asks for a team."""

import pytest
from django.contrib.auth import get_user_model

from docket.access import seeds
from docket.access.models import Grant, Permission
from docket.accounts.preferences import language_set
from docket.accounts.selectors import users_named
from docket.audit.models import AuditEvent
from tests.conftest import user_with_role
from tests.web.test_document_page import Office, make_office

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(db) -> Office:
    return make_office()


def named(user, full_name: str):
    user.first_name = full_name
    user.save(update_fields=["first_name"])
    return user


def give(client, office, **data):
    client.force_login(office.manager)
    return client.post(f"/documents/{office.document.id}/grants/", {"permission": "edit", **data})


def test_a_permission_is_given_to_a_user_named_by_their_full_name(client, office):
    lina = named(user_with_role("lina", seeds.SALES), "李娜")
    response = give(client, office, user=" 李娜 ")
    assert response.status_code == 302
    grant = Grant.objects.get(document=office.document, permission=Permission.EDIT)
    assert grant.user == lina and grant.team is None
    event = AuditEvent.objects.get(action=AuditEvent.Action.PERMISSION_CHANGE, actor=office.manager)
    assert event.document_id == office.document.id
    assert event.details["user"] == "lina" and event.details["permission"] == "edit"
    page = client.get(f"/documents/{office.document.id}/").content.decode()
    assert "授予 李娜 “编辑”权限" in page  # the message names them as the page does


def test_a_username_still_works_and_wins_over_another_users_full_name(client, office):
    named(user_with_role("lina", seeds.SALES), "李娜")
    impostor = named(user_with_role("lina2", seeds.SALES), "lina")
    assert give(client, office, user="lina").status_code == 302
    grant = Grant.objects.get(document=office.document, permission=Permission.EDIT)
    assert grant.user.get_username() == "lina" and grant.user != impostor


def test_a_full_name_two_users_share_is_refused_naming_their_usernames(client, office):
    named(user_with_role("lina", seeds.SALES), "李娜")
    named(user_with_role("lina_bj", seeds.SALES), "李娜")
    response = give(client, office, user="李娜")
    assert response.status_code == 400
    assert "有多位用户叫 李娜（lina、lina_bj），请填写用户名。" in response.content.decode()
    assert 'value="李娜"' in response.content.decode()  # what was typed is kept
    assert not Grant.objects.filter(document=office.document, permission=Permission.EDIT).exists()
    language_set(user=office.manager, language="en")
    response = give(client, office, user="李娜")
    assert "Several users are named 李娜 (lina, lina_bj): give the username." in (
        response.content.decode()
    )


def test_an_unknown_or_inactive_name_is_refused_and_nothing_is_granted(client, office):
    gone = named(user_with_role("zhouqiang", seeds.SALES), "周强")
    get_user_model().objects.filter(pk=gone.pk).update(is_active=False)
    for text in ("周强", "zhouqiang", "李娜"):
        response = give(client, office, user=text)
        assert response.status_code == 400
        assert "没有这个用户名或姓名的用户。" in response.content.decode()
    assert not Grant.objects.filter(document=office.document, permission=Permission.EDIT).exists()


def test_a_user_and_a_team_together_or_neither_is_refused(client, office):
    team = office.owner.member.team
    for data in ({"user": "zhaolei", "team": team.id}, {"user": "  ", "team": ""}):
        response = give(client, office, **data)
        assert response.status_code == 400
        assert "请填写一个用户或选择一个团队（二选一）。" in response.content.decode()
    assert give(client, office, team=team.id).status_code == 302
    assert Grant.objects.get(document=office.document, permission=Permission.EDIT).team == team


@pytest.mark.parametrize(
    ("language", "label", "choose"),
    [
        ("zh-hans", "用户（用户名或姓名）", "选择团队"),
        ("en", "User (username or name)", "Choose a team"),
    ],
)
def test_the_form_asks_for_a_username_or_name_and_a_team_in_the_users_language(
    client, office, language, label, choose
):
    language_set(user=office.manager, language=language)
    client.force_login(office.manager)
    page = client.get(f"/documents/{office.document.id}/").content.decode()
    assert f'<label for="grant-user">{label}</label>' in page
    assert f'<option value="" selected>{choose}</option>' in page
    assert "---------" not in page


def test_users_named_finds_a_full_name_made_of_first_and_last_name():
    wang = get_user_model().objects.create_user(
        username="wangfang", first_name="芳", last_name="王"
    )
    assert users_named("芳 王") == [wang]
    assert users_named("芳") == [] and users_named("") == []
