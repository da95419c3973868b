"""Whom a new customer may be given (customers.services.customer_create), the same over the
API as on the page: sales own what they add, a manager gives it to someone of their team, an
administrator to anyone; a refusal is a 403 naming the owner field, audited, nothing stored."""

import pytest

from docket.audit.models import AuditEvent
from docket.core.errors import Forbidden, InvalidInput
from docket.customers.models import Customer
from docket.customers.services import customer_create
from tests.access import conftest as access_conftest
from tests.conftest import client_for

# Two sales teams (华东, 华北) under 销售部, each role (tests/access/conftest.py).
world = access_conftest.world

NANJING = "南京金桥宏达贸易有限公司"


def create(user, **given):
    return client_for(user).post("/api/customers/", {"name": NANJING, **given}, format="json")


def refused_without_a_trace(response, user) -> dict:
    assert response.status_code == 403, response.content
    assert not Customer.objects.filter(name=NANJING).exists()
    denied = AuditEvent.objects.get(outcome=AuditEvent.Outcome.DENIED)
    assert (denied.actor, denied.details["path"]) == (user, "/api/customers/")
    return response.json()["error"]


def test_sales_own_what_they_add_and_may_not_give_it_away(world):
    error = refused_without_a_trace(
        create(world.sales_east, owner=world.sales_east_2.pk), world.sales_east
    )
    assert error["code"] == "forbidden"
    assert error["fields"] == {
        "owner": ["a customer of yours stays yours; it cannot be given to zhaolei"]
    }
    mine = create(world.sales_east, owner=world.sales_east.pk)
    assert mine.status_code == 201 and mine.json()["owner"] == world.sales_east.pk


def test_a_manager_gives_it_to_someone_of_their_team_not_of_another(world):
    error = refused_without_a_trace(
        create(world.manager_east, owner=world.sales_north.pk), world.manager_east
    )
    assert error["message"] == ("a customer can be given only to someone in your team, not liuyang")
    given = create(world.manager_east, owner=world.sales_east_2.pk)
    assert given.status_code == 201 and given.json()["owner"] == world.sales_east_2.pk
    unsaid = create(world.manager_east, name="南京银河电子有限公司")  # no owner: the creator
    assert unsaid.json()["owner"] == world.manager_east.pk


def test_an_administrator_gives_it_to_anyone_active(world):
    given = create(world.administrator, owner=world.sales_north.pk)
    assert given.status_code == 201 and given.json()["owner"] == world.sales_north.pk
    world.sales_east.is_active = False
    world.sales_east.save(update_fields=["is_active"])
    gone = create(world.administrator, name="南京银河电子有限公司", owner=world.sales_east.pk)
    assert gone.status_code == 400
    assert gone.json()["error"]["fields"] == {"owner": ["this account is deactivated"]}
    assert not Customer.objects.filter(name="南京银河电子有限公司").exists()


def test_the_service_refuses_the_same_whoever_calls_it_and_the_system_gives_it_to_anyone(world):
    with pytest.raises(Forbidden) as refused:
        customer_create(actor=world.manager_east, name=NANJING, owner=world.manager_north)
    assert refused.value.field == "owner"
    with pytest.raises(InvalidInput):
        world.sales_north.is_active = False
        customer_create(actor=world.administrator, name=NANJING, owner=world.sales_north)
    assert not Customer.objects.filter(name=NANJING).exists()
    imported = customer_create(actor=None, name=NANJING, owner=world.manager_north)  # a command
    assert imported.owner == world.manager_north


def test_the_same_rule_holds_when_an_existing_customer_changes_hands(world):
    added = create(world.manager_east, owner=world.sales_east_2.pk).json()
    url = f"/api/customers/{added['id']}/"
    given_away = client_for(world.manager_east).patch(
        url, {"owner": world.sales_north.pk}, format="json"
    )
    assert given_away.status_code == 403, given_away.content
    assert given_away.json()["error"]["fields"] == {
        "owner": ["a customer can be given only to someone in your team, not liuyang"]
    }
    assert Customer.objects.get(id=added["id"]).owner == world.sales_east_2
    world.sales_east.is_active = False
    world.sales_east.save()
    to_inactive = client_for(world.administrator).patch(
        url, {"owner": world.sales_east.pk}, format="json"
    )
    assert to_inactive.status_code == 400
    kept = client_for(world.manager_east).patch(
        url, {"owner": world.manager_east.pk}, format="json"
    )
    assert kept.status_code == 200 and kept.json()["owner"] == world.manager_east.pk
