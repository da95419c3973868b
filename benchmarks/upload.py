"""Upload throughput: distinct small born-digital PDFs (Chinese text) through
`documents.services.document_upload` — blob write with fsync, then the document, version and
text-job rows in one transaction. Each run starts on a fresh database and blob store; the PDFs
are made before the timer starts.

    python -m benchmarks.upload --db sqlite|postgres [--quick]
"""

import datetime
import io
import statistics
import time

from benchmarks import common

CUSTOMERS = [
    "上海ABC贸易有限公司",
    "北京星辰科技有限公司",
    "广州南方物流有限公司",
    "深圳华信电子有限公司",
]
TYPES_AND_TITLES = [("合同", "采购合同"), ("报价单", "产品报价单"), ("发票", "增值税发票")]


def make_pdfs(count: int) -> list[tuple[str, bytes]]:
    """COUNT distinct one-page PDFs with Chinese text, as (filename, bytes)."""
    from docket.demo.pdfgen import make_pdf

    pdfs = []
    for i in range(count):
        customer = CUSTOMERS[i % len(CUSTOMERS)]
        _, title = TYPES_AND_TITLES[i % len(TYPES_AND_TITLES)]
        lines = [
            f"{title} 第{i + 1:05d}号",
            f"客户：{customer}",
            f"金额：人民币{(i * 7919) % 100000 + 100}元整",
            "双方经友好协商，就上述事项达成一致，特立此据。",
        ]
        pdfs.append((f"{title}_{i + 1:05d}.pdf", make_pdf(lines, title=f"{title} {i + 1}")))
    return pdfs


def prepare():
    """The user, customers and document types the uploads are filed under."""
    from django.contrib.auth import get_user_model

    from docket.customers.models import Customer
    from docket.documents.models import DocumentType

    user = get_user_model().objects.create_superuser(username="bench", password="bench-pw-1")
    customers = [
        Customer.objects.create(name=name, code=f"C{i:03d}") for i, name in enumerate(CUSTOMERS)
    ]
    types = [DocumentType.objects.get(name=name) for name, _ in TYPES_AND_TITLES]
    return user, customers, types


def upload_all(pdfs: list[tuple[str, bytes]]) -> float:
    """Upload every PDF; returns the seconds the uploads took (set-up excluded)."""
    from docket.documents.services import document_upload

    user, customers, types = prepare()
    start = time.perf_counter()
    for i, (filename, data) in enumerate(pdfs):
        document_upload(
            actor=user,
            file=io.BytesIO(data),
            filename=filename,
            customer=customers[i % len(customers)],
            document_type=types[i % len(types)],
            document_date=datetime.date(2021 + i % 4, 1 + i % 12, 1 + i % 28),
        )
    return time.perf_counter() - start


def main() -> None:
    args = common.parse_args(__doc__)
    common.setup_django(args.db, args.workdir)
    count, runs = (100, 1) if args.quick else (1000, 3)

    pdfs = make_pdfs(count)
    assert len({data for _, data in pdfs}) == count, "the PDFs must be distinct"
    seconds = []
    for _ in range(runs):
        common.reset_database()
        seconds.append(upload_all(pdfs))
    rates = [count / s for s in seconds]

    label = common.database_label()
    result = {
        "database": label,
        "documents": count,
        "runs": runs,
        "mean_pdf_bytes": round(sum(len(d) for _, d in pdfs) / count),
        "seconds_per_run": [round(s, 3) for s in seconds],
        "docs_per_second_per_run": [round(r, 1) for r in rates],
        "docs_per_second_median": round(statistics.median(rates), 1),
        "ms_per_document_median": round(1000 * statistics.median(seconds) / count, 2),
    }
    print(f"\nUpload throughput, {label} ({count:,} PDFs of ~{result['mean_pdf_bytes']:,} B)")
    print(
        common.table(
            ["run", "seconds", "docs/s", "ms/doc"],
            [
                [i + 1, round(s, 2), round(r, 1), round(1000 * s / count, 2)]
                for i, (s, r) in enumerate(zip(seconds, rates, strict=True))
            ]
            + [
                [
                    "median",
                    round(statistics.median(seconds), 2),
                    result["docs_per_second_median"],
                    result["ms_per_document_median"],
                ]
            ],
        )
    )
    if runs == 1:
        print("(one run only: --quick)")
    common.write_json(args, result)


if __name__ == "__main__":
    main()
