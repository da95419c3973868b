"""The seeded roles: named and described in the reader's language while they keep the text
they were seeded with; a role renamed, or one a company created, as stored."""

import pytest
from django.utils import translation

from docket.access import seeds
from docket.access.models import Role
from docket.access.roles import role_create, role_update

pytestmark = pytest.mark.django_db


def test_a_seeded_role_is_named_and_described_in_the_readers_language():
    sales = Role.objects.get(code=seeds.SALES)
    with translation.override("en"):
        assert sales.display_name == "Sales"
        assert sales.display_description.startswith("Views and uploads the documents")
        assert Role.objects.get(code=seeds.ADMINISTRATOR).display_name == "IT administrator"
    with translation.override("zh-hans"):
        assert sales.display_name == "销售"
        assert sales.display_description == "查看和上传自己负责或被分配的客户的文档"
    assert Role.objects.filter(code=seeds.SALES, name="销售").exists()  # stored as seeded


def test_a_renamed_seeded_role_shows_its_new_name_and_keeps_the_translated_description():
    manager = Role.objects.get(code=seeds.MANAGER)
    role_update(actor=None, role=manager, name="区域经理")
    with translation.override("en"):
        assert manager.display_name == "区域经理"
        assert manager.display_description.startswith("Every document of the team's")


def test_a_role_a_company_created_is_shown_as_typed():
    legal = role_create(actor=None, name="法务", description="合同审核")
    with translation.override("en"):
        assert (legal.display_name, legal.display_description) == ("法务", "合同审核")
