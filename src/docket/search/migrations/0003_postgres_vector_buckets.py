"""PostgreSQL: every vector also holds its bucket, a lexeme naming the 16,384 consecutive
ids the document's id falls in (backends/postgres.py, BUCKET_IDS), so that the newest matches
can be read without reading all of them. Entries written from now on carry it already."""

from django.db import migrations

BUCKET_IDS = 16_384  # postgres.BUCKET_IDS when this was written: the two must agree
LEXEME = f"(E'\\ue001' || (rowid / {BUCKET_IDS})::text)"


def add_buckets(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"UPDATE search_index SET vector = vector || array_to_tsvector(ARRAY[{LEXEME}])"
        )


def remove_buckets(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"UPDATE search_index SET vector = ts_delete(vector, {LEXEME})")


class Migration(migrations.Migration):
    dependencies = [("search", "0002_vector_storage_main")]

    operations = [migrations.RunPython(add_buckets, remove_buckets)]
