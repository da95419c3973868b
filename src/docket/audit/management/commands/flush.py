"""Django's `flush` (empty every table), able to empty the audit trail too.

The audit triggers refuse to delete events and the anchor unless the table `audit_unlock`
holds a row. This command puts one there inside its own transaction, runs Django's flush in
that same transaction, and removes it before committing, so no other connection ever sees the
trail unlocked. Django's TransactionTestCase calls `flush` between tests, which is why this
exists; an installation that is flushed loses its trail along with everything else.
"""

from typing import Any

from django.core.management.commands import flush
from django.db import connections, transaction

UNLOCK_TABLE = "audit_unlock"


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        database = options["database"]
        connection = connections[database]
        if UNLOCK_TABLE not in connection.introspection.table_names():
            return super().handle(**options)  # before `migrate`: no trail, no triggers
        with transaction.atomic(using=database):
            with connection.cursor() as cursor:
                cursor.execute(f"INSERT INTO {UNLOCK_TABLE} (reason) VALUES ('flush')")
            super().handle(**options)
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {UNLOCK_TABLE}")
