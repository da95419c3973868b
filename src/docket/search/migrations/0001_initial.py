"""The index table is the database's own full-text structure, so Django only records the model
and each database gets its own DDL (see models.SearchEntry)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

SQLITE = [
    # ascii: every non-ASCII character (CJK included) is part of a token and only spaces
    # separate ours; the listed ASCII punctuation stays inside codes like ht-2023-0101.
    """CREATE VIRTUAL TABLE search_index USING fts5(
        head, body, tails, tokenize = "ascii tokenchars '-_/.,:@$'", detail = full)""",
]
POSTGRESQL = [
    """CREATE TABLE search_index (
        rowid bigint PRIMARY KEY
            REFERENCES documents_document (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        vector tsvector NOT NULL,
        overflow text NOT NULL DEFAULT '')""",
    "CREATE INDEX search_index_vector ON search_index USING gin (vector)",
    # The few documents whose positions did not fit a tsvector are matched on their text.
    "CREATE INDEX search_index_overflow ON search_index (rowid) WHERE overflow <> ''",
]


def create_index_table(apps, schema_editor):
    statements = SQLITE if schema_editor.connection.vendor == "sqlite" else POSTGRESQL
    for statement in statements:
        schema_editor.execute(statement)


def drop_index_table(apps, schema_editor):
    schema_editor.execute("DROP TABLE search_index")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("documents", "0005_version_thumbnail"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SearchEntry",
                    fields=[
                        (
                            "document",
                            models.OneToOneField(
                                db_column="rowid",
                                db_constraint=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                primary_key=True,
                                related_name="search_entry",
                                serialize=False,
                                to="documents.document",
                            ),
                        ),
                    ],
                    options={"db_table": "search_index"},
                ),
            ],
            database_operations=[
                migrations.RunPython(create_index_table, drop_index_table),
            ],
        ),
        migrations.CreateModel(
            name="SavedSearch",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100)),
                ("query", models.CharField(blank=True, max_length=1000)),
                ("filters", models.JSONField(blank=True, default=dict)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="saved_searches",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["name", "id"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("user", "name"), name="saved_search_unique_name"
                    )
                ],
            },
        ),
    ]
