"""Server time of the web UI's busiest pages: the documents list with 100,000 documents and
the customer page of a customer with 5,000 documents (issue 6), plus the dashboard, the
customers list, and a document type's naming report and rename preview (each reads all of
the type's documents). Through Django's test client with a signed-in session: the whole middleware
stack and the template rendering, no network and no browser. Median and p95 of the response
time, and the SQL queries one request runs.

    python -m benchmarks.ui_pages --db sqlite|postgres [--quick]
"""

from benchmarks import common
from benchmarks.api_list import fill

BIG_CUSTOMER_DOCUMENTS = 5_000


def measure(client, url: str, warmup: int, requests: int) -> dict:
    result = common.timed_requests(client, url, warmup, requests)
    del result["response"], result["sql"]
    return result


def give_one_customer_many(customers: list, documents: int) -> object:
    """Move `documents` documents to one customer, so its page has that many."""
    from docket.documents.models import Document

    big = customers[0]
    ids = list(
        Document.objects.exclude(customer=big)
        .order_by("id")
        .values_list("id", flat=True)[:documents]
    )
    Document.objects.filter(id__in=ids).update(customer=big)
    return big


def name_by_the_rule() -> tuple[object, int]:
    """Apply the naming rule of the type with the most documents (bulk-filled documents have
    no names yet), so its report and preview read every one of them and find none off."""
    from django.db.models import Count

    from docket.documents.models import DocumentType
    from docket.documents.naming import naming_rule_apply

    biggest = DocumentType.objects.annotate(n=Count("document")).order_by("-n").first()
    naming_rule_apply(actor=None, document_type=biggest)
    return biggest, biggest.n


def main() -> None:
    args = common.parse_args(__doc__)
    common.setup_django(args.db, args.workdir)
    from django.db import connection
    from django.test import Client

    from docket.core.maintenance import refresh_planner_statistics

    documents, customers = (5_000, 50) if args.quick else (100_000, 500)
    big_size = 1_000 if args.quick else BIG_CUSTOMER_DOCUMENTS
    warmup, requests = (2, 10) if args.quick else (5, 40)

    common.reset_database()
    user, customer_rows, types = fill(documents, customers)
    big = give_one_customer_many(customer_rows, big_size)
    named_type, named = name_by_the_rule()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        refresh_planner_statistics()

    client = Client()
    client.force_login(user)
    cases = {
        "documents list": "/documents/",
        "documents list, one type": f"/documents/?type={types[0].id}",
        "documents list, page 50": "/documents/?page=50",
        f"customer page ({big_size:,} documents)": f"/customers/{big.id}/",
        "customers list": "/customers/",
        "dashboard": "/",
        f"naming report, a type of {named:,}": f"/manage/types/{named_type.id}/names/",
        f"naming preview, a type of {named:,}": f"/manage/types/{named_type.id}/rename/",
    }
    results = {name: measure(client, url, warmup, requests) for name, url in cases.items()}
    label = common.database_label()
    print(f"\nWeb UI pages, {label}: {documents:,} documents, {customers} customers")
    print(
        common.table(
            ["page", "median ms", "p95 ms", "SQL queries"],
            [[name, r["median_ms"], r["p95_ms"], r["queries"]] for name, r in results.items()],
        )
    )
    common.write_json(
        args, {"database": label, "documents": documents, "customers": customers, "pages": results}
    )


if __name__ == "__main__":
    main()
