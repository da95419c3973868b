"""`GET /api/documents/` latency with 100,000 documents: first page, filtered by customer, by
type and date, and a deep page; median and p95 of the response time through Django's test
client (a token-authenticated APIClient: the whole middleware and DRF stack, no network), and
the SQL queries each request runs.

The database is filled fast with bulk_create (archive numbers set directly, counters written
afterwards); each version points at one of a few real blobs, which the list never reads.

    python -m benchmarks.api_list --db sqlite|postgres [--quick]
"""

import datetime
import io
import random
import time
from collections import Counter

from benchmarks import common

BATCH = 5000
PAGE_SIZE = 50  # REST_FRAMEWORK["PAGE_SIZE"]
CITIES = ["上海", "北京", "广州", "深圳", "杭州", "成都", "武汉", "南京", "苏州", "天津"]
TRADES = ["贸易", "科技", "物流", "电子", "建设", "医药", "食品", "咨询", "机械", "文化"]
TITLES = ["采购合同", "服务协议", "报价单", "增值税发票", "签收单", "会议纪要", "授权委托书"]


def fill(documents: int, customers: int):
    """Returns the user and the customers, document types and blobs the documents use."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from docket.customers.models import Customer
    from docket.demo.pdfgen import make_pdf
    from docket.documents.models import ArchiveCounter, Document, DocumentType, Tag, Version
    from docket.storage.blobstore import get_blob_store

    rng = random.Random(20240601)
    user = get_user_model().objects.create_superuser(username="bench", password="bench-pw-1")
    types = list(DocumentType.objects.all())
    blobs = [get_blob_store().put(io.BytesIO(make_pdf([f"样本文件 {i}"]))) for i in range(5)]
    tags = Tag.objects.bulk_create(
        [Tag(name=n) for n in ["重要", "待审核", "已盖章", "年度", "归档"]]
    )
    customer_rows = Customer.objects.bulk_create(
        Customer(
            name=f"{CITIES[i % 10]}{TRADES[i // 10 % 10]}有限公司{i:03d}",
            code=f"KH{i:05d}",
            region=CITIES[i % 10],
        )
        for i in range(customers)
    )
    customer_ids = [c.id for c in customer_rows]
    last_seq: Counter[tuple[int, int]] = Counter()
    for start in range(0, documents, BATCH):
        batch = []
        for i in range(start, min(start + BATCH, documents)):
            doc_type = rng.choice(types)
            date = datetime.date(2019, 1, 1) + datetime.timedelta(days=rng.randrange(7 * 365))
            last_seq[doc_type.id, date.year] += 1
            number = doc_type.number_pattern.format(
                code=doc_type.code, year=date.year, seq=last_seq[doc_type.id, date.year]
            )
            batch.append(
                Document(
                    customer_id=rng.choice(customer_ids),
                    document_type=doc_type,
                    title=f"{rng.choice(TITLES)} {i + 1}",
                    document_date=date,
                    archive_number=number,
                    created_by=user,
                )
            )
        with transaction.atomic():
            Document.all_objects.bulk_create(batch)
            Version.objects.bulk_create(
                Version(
                    document=doc,
                    number=1,
                    sha256=(blob := blobs[doc.id % len(blobs)]).sha256,
                    size=blob.size,
                    mime_type="application/pdf",
                    original_name=f"{doc.title}.pdf",
                    author=user,
                    text_state=Version.TextState.DONE,
                )
                for doc in batch
            )
            Document.tags.through.objects.bulk_create(  # every fifth document has a tag
                Document.tags.through(document_id=doc.id, tag_id=tags[doc.id % 5].id)
                for doc in batch
                if doc.id % 5 == 0
            )
    ArchiveCounter.objects.bulk_create(
        ArchiveCounter(document_type_id=type_id, year=year, last=last)
        for (type_id, year), last in last_seq.items()
    )
    return user, customer_rows, types


def measure(client, url: str, warmup: int, requests: int) -> dict:
    result = common.timed_requests(client, url, warmup, requests)
    body = result.pop("response").json()
    return result | {"matching_documents": body["count"], "rows_returned": len(body["results"])}


def main() -> None:
    args = common.parse_args(__doc__)
    common.setup_django(args.db, args.workdir)
    from django.db import connection
    from rest_framework.test import APIClient

    from docket.accounts.tokens import api_token_issue

    documents, customers = (5_000, 50) if args.quick else (100_000, 500)
    warmup, requests = (2, 10) if args.quick else (5, 50)

    common.reset_database()
    start = time.perf_counter()
    user, customer_rows, types = fill(documents, customers)
    fill_seconds = time.perf_counter() - start
    if connection.vendor == "postgresql":  # what autovacuum would do soon after such a load
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=user, name='bench')[1]}")
    deep_page = min(1000, -(-documents // PAGE_SIZE))
    cases = {
        "first page": "/api/documents/",
        "by customer": f"/api/documents/?customer={customer_rows[len(customer_rows) // 2].id}",
        "type + date_after": f"/api/documents/?type={types[0].id}&date_after=2023-01-01",
        f"deep page {deep_page}": f"/api/documents/?page={deep_page}",
    }
    results = {name: measure(client, url, warmup, requests) for name, url in cases.items()}

    label = common.database_label()
    print(
        f"\nGET /api/documents/, {label}: {documents:,} documents, {customers} customers "
        f"(filled in {fill_seconds:.1f} s); {requests} requests after {warmup} warm-up"
    )
    print(
        common.table(
            ["request", "median ms", "p95 ms", "SQL queries", "matches", "rows"],
            [
                [
                    name,
                    r["median_ms"],
                    r["p95_ms"],
                    r["queries"],
                    r["matching_documents"],
                    r["rows_returned"],
                ]
                for name, r in results.items()
            ],
        )
    )
    common.write_json(
        args,
        {
            "database": label,
            "documents": documents,
            "customers": customers,
            "fill_seconds": round(fill_seconds, 1),
            "warmup": warmup,
            "requests": results,
        },
    )


if __name__ == "__main__":
    main()
