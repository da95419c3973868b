"""`make bench`: Docket's benchmarks. They print figures and never assert them.

Run everything with `python -m benchmarks [--quick]`; one benchmark on one database with
`python -m benchmarks.<module> --db sqlite|postgres [--quick]`. Each module configures Django
itself (settings are read at import, so each database gets its own process) and works in a
scratch directory and a scratch PostgreSQL database (`docket_bench_<hash of the directory>`)
that it removes afterwards.

- `upload`: documents/second through `documents.services.document_upload`.
- `fixity`: `docket check` (`fixity.run_check`) against `sha256sum` over the same blob files.
- `api_list`: `/api/documents/` latency and SQL queries per request with 100,000 documents.
"""
