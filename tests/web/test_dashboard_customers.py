"""The dashboard's customers: 我的客户 (the user's own), or 我团队的客户 for a team role (a sales
manager: the customers their team and its sub-teams own), the first ten with a link to all of
them on the customers list (its owner or team filter) when there are more."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from docket.access import seeds
from docket.accounts.preferences import language_set
from docket.customers.models import Customer
from docket.customers.services import customer_create
from tests.access import conftest as access_conftest
from tests.conftest import user_with_role

pytestmark = pytest.mark.django_db

# 销售部 with 华东 and 华北 under it; 上海ABC贸易有限公司 owned by 华东's wangfang, 北京星河科技
# owned by 华北's liuyang (tests/access/conftest.py).
world = access_conftest.world


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def card(page: str) -> str:
    """The customers card of the dashboard."""
    return page.split('aria-labelledby="my-customers-title"', 1)[1].split("</section>", 1)[0]


def names(html: str) -> list[str]:
    return re.findall(r'<a href="/customers/\d+/">([^<]*)</a>', html)


def all_link(html: str) -> tuple[str, str] | None:
    found = re.search(r'<p><a href="([^"]*)">([^<]*)</a></p>', html)
    return (found[1].replace("&amp;", "&"), found[2]) if found else None


def listed(client: Client, url: str) -> list[str]:
    return [customer.name for customer in client.get(url).context["customers"]]


def own(owner, count: int, prefix: str = "客户") -> list[Customer]:
    return [
        customer_create(actor=None, name=f"{prefix}{n:02d}有限公司", owner=owner)
        for n in range(count)
    ]


def test_twelve_own_customers_show_ten_and_a_link_to_all_twelve_on_the_list(admin_user):
    own(admin_user, 12)
    client = signed_in(admin_user)
    shown = card(client.get("/").content.decode())
    assert "我的客户" in shown and len(names(shown)) == 10
    url, label = all_link(shown)
    assert url == f"/customers/?owner={admin_user.pk}" and label == "全部 12 个客户"
    assert listed(client, url) == [f"客户{n:02d}有限公司" for n in range(12)]


def test_ten_customers_are_all_shown_without_a_link(admin_user):
    own(admin_user, 10)
    shown = card(signed_in(admin_user).get("/").content.decode())
    assert len(names(shown)) == 10 and all_link(shown) is None


def test_a_merged_customer_is_neither_shown_nor_counted(admin_user):
    customers = own(admin_user, 11)
    Customer.objects.filter(pk=customers[0].pk).update(
        status=Customer.Status.MERGED, merged_into=customers[1]
    )
    shown = card(signed_in(admin_user).get("/").content.decode())
    assert "客户00有限公司" not in shown and all_link(shown) is None


def test_a_sales_manager_sees_the_customers_their_team_owns_with_their_owners(world):
    shown = card(signed_in(world.manager_east).get("/").content.decode())
    assert "我团队的客户" in shown and "我的客户" not in shown
    assert names(shown) == ["上海ABC贸易有限公司"] and "wangfang" in shown  # its owner
    assert "还没有分配给您的客户" not in shown


def test_a_sales_user_still_sees_only_their_own_customers(world):
    shown = card(signed_in(world.sales_east_2).get("/").content.decode())
    assert "我的客户" in shown and names(shown) == []
    assert "还没有分配给您的客户。" in shown


def test_a_manager_whose_team_owns_nothing_is_told_so(world):
    from docket.access.models import Team

    west = Team.objects.create(name="华西销售组")
    manager = user_with_role("sunli", seeds.MANAGER, team=west)
    shown = card(signed_in(manager).get("/").content.decode())
    assert "还没有分配给您团队的客户。" in shown


def test_the_team_link_lists_exactly_the_teams_customers_sub_teams_included(world):
    own(world.sales_east_2, 6, "华东")
    own(world.manager_east, 5, "华东经理")
    own(world.sales_north, 3, "华北")  # another team: not the east manager's
    client = signed_in(world.manager_east)
    shown = card(client.get("/").content.decode())
    url, label = all_link(shown)
    assert url == f"/customers/?team={world.east.pk}" and label == "全部 12 个客户"
    team_list = listed(client, url)
    assert len(team_list) == 12 and not any(name.startswith("华北") for name in team_list)
    assert names(shown) == team_list[:10]  # the same customers, in the same order

    head = user_with_role("zhouqiang", seeds.MANAGER, team=world.east.parent)  # 销售部
    client = signed_in(head)
    url, label = all_link(card(client.get("/").content.decode()))
    assert url == f"/customers/?team={world.east.parent_id}" and label == "全部 16 个客户"
    assert len(listed(client, url)) == 16  # 华东 12, 华北 4


@pytest.mark.parametrize("junk", ["", "abc", "0", "-1", "99999999999999999999"])
def test_a_junk_team_on_the_customers_list_is_ignored(world, junk):
    client = signed_in(world.administrator)
    assert listed(client, f"/customers/?team={junk}") == listed(client, "/customers/")


def test_the_customers_list_offers_the_owners_team_filter(world):
    page = signed_in(world.administrator).get(f"/customers/?team={world.north.pk}")
    assert listed_names(page) == ["北京星河科技有限公司"]
    html = page.content.decode()
    assert '<label for="f-team">负责人团队</label>' in html
    assert f'<option value="{world.north.pk}" selected>华北销售组</option>' in html


def listed_names(response) -> list[str]:
    return [customer.name for customer in response.context["customers"]]


def test_the_card_speaks_english(world):
    own(world.sales_east, 11, "East")
    language_set(user=world.manager_east, language="en")
    shown = card(signed_in(world.manager_east).get("/").content.decode())
    assert "My team's customers" in shown and all_link(shown)[1] == "All 12 customers"


def queries_for(client: Client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    return len(captured)


def test_the_team_card_makes_as_many_queries_for_30_customers_as_for_one(world):
    client = signed_in(world.manager_east)
    client.get("/")  # the first request of a session also writes the session
    few = queries_for(client)
    own(world.sales_east_2, 15, "华东")
    own(world.manager_east, 15, "华东经理")
    assert queries_for(client) == few
