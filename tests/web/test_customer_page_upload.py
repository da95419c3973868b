"""The customer page offers 上传文档 to whoever may upload to that customer (the access rules'
answer), linking to the upload page with the customer chosen; to no one else."""

import re

import pytest
from django.test import Client

from docket.access import services as access_services
from docket.access.models import Permission
from docket.accounts.preferences import language_set
from docket.customers.models import Customer
from tests.access import conftest as access_conftest
from tests.web.test_upload_new_customer import picker_of

pytestmark = pytest.mark.django_db

world = access_conftest.world  # 上海ABC贸易有限公司, owned by 华东's sales user wangfang


def customer_page(user, customer: Customer) -> str:
    client = Client()
    client.force_login(user)
    answer = client.get(f"/customers/{customer.id}/")
    assert answer.status_code == 200
    return answer.content.decode()


def upload_links(page: str) -> list[str]:
    return re.findall(r'<a class="button" href="([^"]*)">上传文档</a>', page)


@pytest.mark.parametrize("who", ["sales_east", "manager_east", "administrator"])
def test_whoever_may_upload_to_the_customer_gets_the_link_and_it_chooses_the_customer(world, who):
    user = getattr(world, who)
    links = upload_links(customer_page(user, world.customer))
    assert links == [f"/upload/?customer={world.customer.id}"]
    client = Client()
    client.force_login(user)
    upload_page = client.get(links[0]).content.decode()
    assert picker_of(upload_page) == (str(world.customer.id), "上海ABC贸易有限公司")


def test_an_archivist_who_may_see_but_not_upload_gets_no_link(world):
    page = customer_page(world.archivist, world.customer)
    assert "上海ABC贸易有限公司" in page and upload_links(page) == []
    assert "/upload/?customer=" not in page


def test_a_view_grant_on_the_customer_shows_the_page_without_the_link(world):
    access_services.grant_add(
        actor=None, permission=Permission.VIEW, user=world.sales_north, customer=world.customer
    )
    page = customer_page(world.sales_north, world.customer)
    assert "/upload/?customer=" not in page


def test_view_and_upload_grants_on_the_customer_give_the_link(world):
    for permission in (Permission.VIEW, Permission.UPLOAD):
        access_services.grant_add(
            actor=None, permission=permission, user=world.sales_north, customer=world.customer
        )
    assert upload_links(customer_page(world.sales_north, world.customer)) != []


def test_a_merged_customer_offers_no_upload_even_to_an_administrator(world):
    Customer.objects.filter(pk=world.customer.pk).update(
        status=Customer.Status.MERGED, merged_into=world.other_customer
    )
    assert "/upload/?customer=" not in customer_page(world.administrator, world.customer)


def test_the_link_reads_upload_documents_in_english(world):
    language_set(user=world.sales_east, language="en")
    page = customer_page(world.sales_east, world.customer)
    assert f'href="/upload/?customer={world.customer.id}">Upload documents</a>' in page
