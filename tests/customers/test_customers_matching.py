"""Finding a customer by what a person types (selectors.customers_matching): the pinyin and
initials of its name from any syllable's start, as well as the name's start; never from
inside a syllable."""

import importlib

import pytest
from django.apps import apps

from docket.customers.models import Customer
from docket.customers.pinyin import name_tails
from docket.customers.selectors import customers_matching
from docket.customers.services import customer_create, customer_update

pytestmark = pytest.mark.django_db

NANJING = "南京金桥宏达贸易有限公司"


@pytest.fixture
def customers(user) -> dict[str, Customer]:
    return {
        "nanjing": customer_create(actor=None, name=NANJING, owner=user),
        "shanghai": customer_create(actor=None, name="上海ABC贸易有限公司", owner=user),
        "beijing": customer_create(actor=None, name="北京星河科技有限公司", owner=user),
    }


def found(text: str) -> list[str]:
    return sorted(customers_matching(text).values_list("name", flat=True))


@pytest.mark.parametrize(
    "text", ["nanjing", "nanjingjinqiao", "njjq", "金桥", "jinqiao", "jq", "hongda", "hd"]
)
def test_pinyin_and_initials_find_a_customer_from_any_syllable_of_its_name(customers, text):
    assert found(text) == [NANJING]


@pytest.mark.parametrize("text", ["JinQiao", "jin qiao", "Hong Da"])
def test_pinyin_from_a_later_syllable_ignores_case_and_spaces(customers, text):
    assert found(text) == [NANJING]


@pytest.mark.parametrize("text", ["anjing", "ingjin", "iaohongda", "ongda"])
def test_pinyin_inside_a_syllable_finds_nothing(customers, text):
    assert found(text) == []


def test_pinyin_shared_by_several_names_finds_each_of_them(customers):
    assert found("youxiangongsi") == sorted(
        ["上海ABC贸易有限公司", "北京星河科技有限公司", NANJING]
    )
    assert found("maoyi") == sorted(["上海ABC贸易有限公司", NANJING])
    assert found("xhkj") == ["北京星河科技有限公司"]


def test_a_latin_run_in_a_name_is_one_syllable(customers):
    assert found("abcmaoyi") == ["上海ABC贸易有限公司"]
    assert found("abcmy") == ["上海ABC贸易有限公司"]
    assert "|bc" not in name_tails("上海ABC贸易有限公司")


def test_a_key_longer_than_a_stored_tail_must_match_to_its_end(customers):
    """Tails are cut at 30 letters; the rest of a longer key is checked on the whole pinyin."""
    whole = "jinqiaohongdamaoyiyouxiangongsi"  # 31 letters
    assert found(whole) == [NANJING]
    assert found(whole[:-1] + "x") == []


def test_too_few_letters_match_no_pinyin(customers):
    """One letter is no initials, under four no full pinyin (`hong` is the least)."""
    assert found("j") == []
    assert found("gon") == []
    assert found("hong") == [NANJING]


def test_a_renamed_customer_is_found_by_its_new_name_only(customers, user):
    customer_update(actor=None, customer=customers["nanjing"], name="南京银河电子有限公司")
    assert found("yinhe") == ["南京银河电子有限公司"]
    assert found("jinqiao") == []


def test_merged_customers_are_not_found_by_later_syllables(customers):
    Customer.objects.filter(pk=customers["nanjing"].pk).update(status=Customer.Status.MERGED)
    assert found("jinqiao") == []


def test_the_migration_fills_the_tails_of_existing_customers(customers):
    Customer.objects.update(name_tails="")
    assert found("jinqiao") == []
    migration = importlib.import_module("docket.customers.migrations.0003_name_tails")
    migration.fill_tails(apps, None)
    assert found("jinqiao") == [NANJING]
    assert found("xhkj") == ["北京星河科技有限公司"]
