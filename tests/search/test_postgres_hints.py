"""PostgreSQL's vectors hold their documents' filter hints (search/hints.py), and a walk of the
index with a type or date filter asks the index for them."""

import datetime
import importlib

import pytest
from django.db import connection

from docket.search import engine
from tests.search.conftest import ids

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def postgresql_only(db) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the hints are PostgreSQL's")


@pytest.fixture
def walk(monkeypatch) -> None:
    """Every search walks the index, with the filters' hints."""
    monkeypatch.setattr(engine, "RANK_CAP", 0)
    monkeypatch.setattr(engine, "FEW_DOCUMENTS", 0)
    monkeypatch.setattr(engine, "HINTED_SHARE", float("inf"))


def strip_hints(document_id: int) -> None:
    """The vector as written before migration 0004."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT vector FROM search_index WHERE rowid = %s", [document_id])
        lexemes = cursor.fetchone()[0].split(" ")
        hints = [w.strip("'").split("'")[0] for w in lexemes if w.startswith("'\ue002")]
        assert hints, "written with its hints"
        cursor.execute(
            "UPDATE search_index SET vector = ts_delete(vector, %s::text[]) WHERE rowid = %s",
            [hints, document_id],
        )


def test_a_filtered_walk_asks_the_index_for_the_hints_and_the_migration_writes_them(
    make_doc, find, walk, invoice_type
):
    older = make_doc(
        "框架协议", document_type=invoice_type, document_date=datetime.date(2023, 2, 1)
    )
    newest = make_doc("框架协议")  # a contract
    query = "框架协议 type:发票 date:2023"
    assert ids(find(query)) == {older.pk}
    strip_hints(older.pk)
    assert ids(find(query)) == set()  # the index was asked for type and year
    assert ids(find("框架协议")) == {older.pk, newest.pk}  # unfiltered: no hints asked
    migration = importlib.import_module("docket.search.migrations.0004_postgres_filter_hints")
    with connection.schema_editor() as editor:
        migration.add_hints(None, editor)
    assert ids(find(query)) == {older.pk}


def test_the_migration_writes_the_hints_the_indexer_writes(make_doc, invoice_type):
    dated = make_doc(
        "框架协议", document_type=invoice_type, document_date=datetime.date(2023, 2, 1)
    )
    undated = make_doc("框架协议")
    with connection.cursor() as cursor:
        cursor.execute("SELECT rowid, vector::text FROM search_index ORDER BY rowid")
        written = cursor.fetchall()
        for document in (dated, undated):
            strip_hints(document.pk)
        migration = importlib.import_module("docket.search.migrations.0004_postgres_filter_hints")
        with connection.schema_editor() as editor:
            migration.add_hints(None, editor)
        cursor.execute("SELECT rowid, vector::text FROM search_index ORDER BY rowid")
        assert cursor.fetchall() == written


def test_words_in_many_documents_walk_without_the_hints(make_doc, find, monkeypatch, invoice_type):
    monkeypatch.setattr(engine, "RANK_CAP", 0)
    monkeypatch.setattr(engine, "FEW_DOCUMENTS", 0)
    older = make_doc(
        "框架协议", document_type=invoice_type, document_date=datetime.date(2023, 2, 1)
    )
    make_doc("框架协议")  # every document holds the words: walked by id, hints not asked
    strip_hints(older.pk)
    assert ids(find("框架协议 type:发票 date:2023")) == {older.pk}
