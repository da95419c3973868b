"""PostgreSQL reads the newest matches bucket by bucket (backends/postgres.py): each vector
names its bucket of ids, so a walk newest first does not read every match."""

import importlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from docket.search.backends import get_backend, postgres
from docket.search.query import Term
from docket.search.tokens import tokenize

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def postgresql_only(db) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the buckets are PostgreSQL's")


def term(text: str) -> Term:
    return Term(text, tuple(tokenize(text)))


def test_the_run_of_matches_is_the_newest_first_across_buckets(make_doc, monkeypatch):
    monkeypatch.setattr(postgres, "BUCKET_IDS", 2)
    documents = [(make_doc("框架协议") if i % 3 else make_doc("其他内容")) for i in range(40)]
    matching = [d.id for i, d in enumerate(documents) if i % 3][::-1]
    backend = get_backend()
    assert backend.run_of_matches(term("框架协议"), 7) == matching[:7]
    assert backend.run_of_matches(term("框架协议"), 1000) == matching  # the rest at once too


def test_dense_new_matches_and_sparse_old_ones_all_come_newest_first(make_doc, monkeypatch):
    monkeypatch.setattr(postgres, "BUCKET_IDS", 4)
    old = [make_doc("框架协议" if i % 10 == 0 else "其他内容") for i in range(60)]
    new = [make_doc("框架协议") for _ in range(12)]  # dense: read by id, newest first
    matching = [d.id for d in old[::10] + new][::-1]
    backend = get_backend()
    assert backend.run_of_matches(term("框架协议"), 5) == matching[:5]
    assert backend.run_of_matches(term("框架协议"), 15) == matching[:15]
    assert backend.run_of_matches(term("框架协议"), 1000) == matching


def test_vectors_written_before_the_buckets_get_them_from_the_migration(make_doc, find):
    document = make_doc("框架协议")
    bucket = postgres.bucket_lexeme(document.id // postgres.BUCKET_IDS)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE search_index SET vector = ts_delete(vector, %s)", [bucket])
    assert get_backend().run_of_matches(term("框架协议"), 10) == []  # as before 0003
    migration = importlib.import_module("docket.search.migrations.0003_postgres_vector_buckets")
    with connection.schema_editor() as editor:
        migration.add_buckets(None, editor)
    assert get_backend().run_of_matches(term("框架协议"), 10) == [document.id]
    assert [h.document.id for h in find("框架协议").hits] == [document.id]


def test_the_index_is_asked_for_the_lexemes_and_leaves_common_ones_to_the_row_check():
    query = postgres.index_tsquery(term("东云项目"), frozenset({"项目"}))
    assert query == "('东云' & '云项')"
    assert postgres.index_tsquery(term("项目"), frozenset({"项目"})) == "('项目')"


def test_a_phrase_with_a_common_lexeme_still_matches_exactly(make_doc, find, monkeypatch):
    monkeypatch.setattr(postgres, "_common", (float("inf"), frozenset({"项目"})))
    exact = make_doc("本季度东云项目验收完毕")
    make_doc("东云项的另一个项目")  # every lexeme of 东云项目, not the phrase
    make_doc("东云项")
    assert [h.document.id for h in find("东云项目").hits] == [exact.id]
    assert get_backend().run_of_matches(term("东云项目"), 10) == [exact.id]


def test_common_lexemes_come_from_the_planner_statistics(make_doc, monkeypatch):
    monkeypatch.setattr(postgres, "_common", (float("-inf"), frozenset()))
    for i in range(30):
        make_doc("东云的合同" if i == 0 else f"项目进度报告第{i}期")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_index")
    common = postgres.common_lexemes()
    assert "项目" in common and "东云" not in common


def test_a_rare_word_is_read_at_once_after_the_newest_bucket(make_doc, monkeypatch):
    monkeypatch.setattr(postgres, "BUCKET_IDS", 4)
    documents = [make_doc("框架协议" if i in (3, 17, 30) else "其他内容") for i in range(60)]
    matching = [documents[i].id for i in (30, 17, 3)]
    with CaptureQueriesContext(connection) as queries:
        assert get_backend().run_of_matches(term("框架协议"), 1000) == matching
    # the newest id, the newest bucket (no match: none expected older), then the rest at once
    assert len(queries) == 3


def test_a_mid_word_is_read_in_one_window_sized_by_the_newest_bucket(make_doc, monkeypatch):
    monkeypatch.setattr(postgres, "BUCKET_IDS", 64)
    documents = [make_doc("框架协议" if i % 8 == 0 else "其他内容") for i in range(320)]
    matching = [d.id for i, d in enumerate(documents) if i % 8 == 0][::-1]
    with CaptureQueriesContext(connection) as queries:
        assert get_backend().run_of_matches(term("框架协议"), 20) == matching[:20]
    # the newest id, the newest bucket (an eighth of its ids match), then one window that
    # holds the other matches needed (doubling from one bucket took two)
    assert len(queries) == 3
