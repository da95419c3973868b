"""Full-text search at scale: index build throughput and size, then `GET /api/search/` latency
(top 20) for rare words, words just under the ranking cap (engine.RANK_CAP: the most a ranked
search reads), mid and common words, with and without facets and filters.

The documents are synthetic (benchmarks.search_corpus) and bulk-inserted; the index is then
built by `reindex_all`, the same code `docket reindex` runs, and timed on its own. Requests go
through Django's test client with a token (the whole middleware and DRF stack, no network).

    python -m benchmarks.search --db sqlite|postgres [--documents N] [--quick]
        [--workdir DIR --reuse]

--reuse measures the searches again on the database an earlier run left in DIR (its fill and
index are not measured again): a million documents take half an hour to fill and index.
"""

import argparse
import statistics
import time

from benchmarks import common
from benchmarks.search_corpus import TITLES, Corpus

BATCH = 5000
CUSTOMERS = 2_000


def fill(documents: int) -> tuple:
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from docket.customers.models import Customer
    from docket.demo import phrases as p
    from docket.documents.models import Document, DocumentType, Version

    user = get_user_model().objects.create_superuser(username="bench", password="bench-pw-1")
    names = [
        f"{p.CITIES[i % len(p.CITIES)]}{p.CORES[i // 9 % len(p.CORES)][0]}"
        f"{p.BUSINESSES[i // 108 % len(p.BUSINESSES)][0]}有限公司{i:04d}"
        for i in range(CUSTOMERS)
    ]
    customers = Customer.objects.bulk_create(
        Customer(name=n, code=f"KH{i:05d}") for i, n in enumerate(names)
    )
    by_name = {c.name: c.id for c in customers}
    types = {}
    for code, (name, _) in zip(["HT", "BJD", "FP", "HY", "HJ"], TITLES, strict=True):
        types[name] = DocumentType.objects.get_or_create(name=name, defaults={"code": code})[0]
    corpus = Corpus(names)
    for start in range(0, documents, BATCH):
        rows = [corpus.document(i) for i in range(start, min(start + BATCH, documents))]
        batch = [
            Document(
                customer_id=by_name[r.customer],
                document_type=types[r.type_name],
                title=r.title,
                document_date=r.date,
                archive_number=f"B-{start + k:08d}",
                created_by=user,
            )
            for k, r in enumerate(rows)
        ]
        with transaction.atomic():
            Document.all_objects.bulk_create(batch)
            Version.objects.bulk_create(
                Version(
                    document=doc,
                    number=1,
                    sha256="0" * 64,
                    size=len(row.text),
                    mime_type="text/plain",
                    original_name=f"{doc.archive_number}.txt",
                    author=user,
                    text=row.text,
                    text_state=Version.TextState.DONE,
                )
                for doc, row in zip(batch, rows, strict=True)
            )
    return user, corpus, customers, types


def filled() -> tuple:
    """What `fill` returned, read back from a database it filled."""
    from django.contrib.auth import get_user_model

    from docket.customers.models import Customer
    from docket.documents.models import DocumentType

    user = get_user_model().objects.get(username="bench")
    customers = list(Customer.objects.order_by("id"))
    types = {t.name: t for t in DocumentType.objects.filter(name__in=[n for n, _ in TITLES])}
    return user, Corpus([c.name for c in customers]), customers, types


def build_index(documents: int) -> dict:
    from django.db import connection, transaction

    from docket.core.maintenance import refresh_planner_statistics
    from docket.search.backends import get_backend
    from docket.search.indexer import reindex_all

    start = time.perf_counter()
    with transaction.atomic():
        reindex_all()
    seconds = time.perf_counter() - start
    # What `docket reindex` and the worker do: statistics for the query planner (SQLite), and
    # what autovacuum would soon do after such a load (PostgreSQL).
    refresh_planner_statistics()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    size = get_backend().size_bytes()
    return {
        "seconds": round(seconds, 1),
        "docs_per_second": round(documents / seconds),
        "size_mb": round(size / 1e6, 1),
        "bytes_per_document": round(size / documents),
    }


def measure(client, urls: list[str], requests: int) -> dict:
    for url in urls:  # warm-up: one of each
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
    times_ms, counts = [], []
    for i in range(requests):
        url = urls[i % len(urls)]
        start = time.perf_counter()
        response = client.get(url)
        times_ms.append(1000 * (time.perf_counter() - start))
        counts.append(response.json()["count"])
    return {
        "median_ms": round(statistics.median(times_ms), 1),
        "p95_ms": round(common.percentile(times_ms, 95), 1),
        "matches_median": int(statistics.median(counts)),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true")
    extra, rest = parser.parse_known_args()
    import sys

    sys.argv = [sys.argv[0], *rest]
    args = common.parse_args(__doc__)
    documents = 5_000 if args.quick else extra.documents
    common.setup_django(args.db, args.workdir)
    from urllib.parse import urlencode

    from rest_framework.test import APIClient

    from docket.accounts.tokens import api_token_issue

    if extra.reuse:
        user, corpus, customers, types = filled()
        fill_seconds, index = 0.0, {}
    else:
        common.reset_database()
        start = time.perf_counter()
        user, corpus, customers, types = fill(documents)
        fill_seconds = time.perf_counter() - start
        index = build_index(documents)

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=user, name='bench')[1]}")
    words = {
        "rare": corpus.projects_by_frequency[2_000:2_005],  # about 1 in 20,000 or fewer
        # Just under engine.RANK_CAP at 1M (about 800-900 each), the most a ranked search reads.
        "near cap": corpus.projects_by_frequency[60:65],
        "mid": corpus.projects_by_frequency[3:8],  # in about 0.5-1 % of documents
        "common": ["甲方", "合同", "日期", "单价", "项目"],
    }
    filters = {
        "customer": lambda i: {"customer": customers[i * 37 % len(customers)].id},
        "type + year": lambda i: {
            "type": list(types.values())[i % len(types)].id,
            "date_after": f"{2019 + i % 6}-01-01",
            "date_before": f"{2019 + i % 6}-12-31",
        },
    }
    requests = 10 if args.quick else 40
    cpu_before = common.cpu_check_ms()
    cases = {}
    for kind, terms in words.items():
        plain = [f"/api/search/?{urlencode({'q': t, 'facets': 'false'})}" for t in terms]
        faceted = [f"/api/search/?{urlencode({'q': t})}" for t in terms]
        cases[f"{kind}"] = measure(client, plain, requests)
        cases[f"{kind} + facets"] = measure(client, faceted, requests)
        for name, make in filters.items():
            urls = [
                f"/api/search/?{urlencode({'q': t, **make(i)}, doseq=True)}"
                for i, t in enumerate(terms)
            ]
            cases[f"{kind} + {name} + facets"] = measure(client, urls, requests)

    cpu = [cpu_before, common.cpu_check_ms()]
    label = common.database_label()
    built = (
        "the database of an earlier run (fill and index not measured)"
        if extra.reuse
        else f"filled in {fill_seconds:.0f} s; index built in {index['seconds']} s = "
        f"{index['docs_per_second']:,} docs/s, {index['size_mb']} MB "
        f"({index['bytes_per_document']} B/doc)"
    )
    print(f"\nSearch, {label}: {documents:,} documents, {built}")
    print(f"CPU check (benchmarks.common.cpu_check_ms) before and after the searches: {cpu} ms")
    print(
        common.table(
            ["query", "median ms", "p95 ms", "matches (median)"],
            [[n, c["median_ms"], c["p95_ms"], c["matches_median"]] for n, c in cases.items()],
        )
    )
    common.write_json(
        args,
        {
            "database": label,
            "documents": documents,
            "fill_seconds": round(fill_seconds),
            "index": index,
            "words": words,
            "requests": requests,
            "cpu_check_ms": cpu,
            "cases": cases,
        },
    )


if __name__ == "__main__":
    main()
