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
