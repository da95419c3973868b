"""PostgreSQL finds customers by part of their name or code through trigram indexes
(migration customers/0005), and a database that may not have pg_trgm migrates without them."""

import importlib

import pytest
from django.db import connection
from django.db.models import Q

from docket.customers.models import Customer
from docket.customers.selectors import customers_matching
from docket.customers.services import customer_create

pytestmark = pytest.mark.django_db
MIGRATION = importlib.import_module("docket.customers.migrations.0005_postgres_name_trigrams")


@pytest.fixture(autouse=True)
def postgresql_only(db) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the trigram indexes are PostgreSQL's")


def plan(sql: str, params: list) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a test's few rows: it would scan
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def index_names() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'customers_customer'")
        return {row[0] for row in cursor.fetchall()}


def test_a_chinese_name_and_a_code_are_matched_through_the_trigram_indexes(user):
    shanghai = customer_create(actor=None, name="上海ABC贸易有限公司", owner=user, code="KH-0042")
    customer_create(actor=None, name="北京星河科技有限公司", owner=user)
    assert list(customers_matching("ABC贸易")) == [shanghai]
    assert list(customers_matching("kh-0042")) == [shanghai]
    # The SQL customers_matching builds for the name and the code, as Django writes it, is
    # one the indexes answer. (At 2,000 customers the planner takes them for the whole
    # query: benchmarks.search's database.)
    named = Customer.objects.filter(Q(name__icontains="abc贸易") | Q(code__icontains="abc贸易"))
    sql, params = named.values("id").query.sql_with_params()
    chosen = plan(sql, list(params))
    assert "customers_name_trgm" in chosen and "customers_code_trgm" in chosen


def test_without_leave_to_create_pg_trgm_the_migration_goes_on_without_the_indexes(user, caplog):
    with connection.cursor() as cursor:
        cursor.execute("DROP EXTENSION pg_trgm CASCADE")  # undone with the test's transaction
        cursor.execute(
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'docket_plain')"
            " THEN CREATE ROLE docket_plain NOLOGIN; END IF; END $$"
        )
        cursor.execute("SET LOCAL ROLE docket_plain")
    with connection.schema_editor(atomic=False) as editor:
        MIGRATION.add_indexes(None, editor)
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
    assert "pg_trgm is not available" in caplog.text
    assert not {"customers_name_trgm", "customers_code_trgm"} & index_names()
    shanghai = customer_create(actor=None, name="上海ABC贸易有限公司", owner=user)
    assert list(customers_matching("ABC贸易")) == [shanghai]
