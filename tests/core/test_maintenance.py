import pytest
from django.db import connection

from docket.core.maintenance import PLANNED_TABLES, refresh_planner_statistics

pytestmark = pytest.mark.django_db


def test_planner_statistics_are_written_for_the_searched_tables(api, customer, contract_type):
    from tests.conftest import named_file

    api.post(
        "/api/documents/",
        {
            "file": named_file("合同".encode(), "a.txt"),
            "customer": customer.id,
            "type": contract_type.id,
        },
        format="multipart",
    )
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: PostgreSQL's autovacuum keeps its own statistics")
    refresh_planner_statistics()
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        analysed = {row[0] for row in cursor.fetchall()}
    assert {"documents_document", "documents_version"} <= analysed <= set(PLANNED_TABLES)


def test_migrate_leaves_fresh_planner_statistics(api, customer, contract_type):
    """A migration that rebuilds a table drops its statistics; migrate puts them back."""
    from django.core.management import call_command

    from tests.conftest import named_file

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: PostgreSQL's autovacuum keeps its own statistics")
    api.post(
        "/api/documents/",
        {"file": named_file("合同".encode(), "a.txt"), "customer": customer.id, "type": "合同"},
        format="multipart",
    )
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM sqlite_stat1")  # as a table rebuild leaves them
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        assert "documents_document" in {row[0] for row in cursor.fetchall()}
