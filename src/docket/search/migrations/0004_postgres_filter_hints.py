"""PostgreSQL: every vector also holds its document's filter hints, its type and its year
(search/hints.py), so that the index can intersect a type or date filter with the words. They
are written here as hints.document_hints writes them; entries written from now on carry them
already."""

from django.db import migrations

MARK = "E'\\ue002'"  # postgres.HINT_MARK
YEAR = f"{MARK} || 'year' || extract(year from %s)::int"
# An undated document: the years of its upload instant from UTC-12 to UTC+14 (LOCAL_SPAN).
HINTS = f"""ARRAY[{MARK} || 'type' || d.document_type_id] || CASE
    WHEN d.document_date IS NOT NULL THEN ARRAY[{YEAR % "d.document_date"}]
    ELSE ARRAY[
        {YEAR % "(d.created_at AT TIME ZONE 'UTC') - interval '12 hours'"},
        {YEAR % "(d.created_at AT TIME ZONE 'UTC') + interval '14 hours'"}
    ] END"""


def add_hints(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"UPDATE search_index s SET vector = s.vector || array_to_tsvector({HINTS})"
            " FROM documents_document d WHERE d.id = s.rowid"
        )


def remove_hints(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"UPDATE search_index s SET vector = ts_delete(s.vector, {HINTS})"
            " FROM documents_document d WHERE d.id = s.rowid"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_postgres_vector_buckets"),
        ("documents", "0001_initial"),
    ]

    operations = [migrations.RunPython(add_hints, remove_hints)]
