"""One search backend per database, behind one interface (base.SearchBackend)."""

from django.db import connection

from docket.search.backends.base import SearchBackend


def get_backend() -> SearchBackend:
    if connection.vendor == "postgresql":
        from docket.search.backends.postgres import PostgresBackend

        return PostgresBackend()
    from docket.search.backends.sqlite import SqliteBackend

    return SqliteBackend()
