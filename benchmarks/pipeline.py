"""The ingest pipeline end to end: born-digital PDFs through ingest_submit and the worker's
code path (sniff, dedupe, read text, fields, suggestions, store) in documents/second, and
scanned pages through OCR in seconds/page, with the peak memory of the process doing the work
(its OCR pool processes included).

    python -m benchmarks.pipeline --db sqlite|postgres [--quick]
"""

import io
import resource
import statistics
import time

from benchmarks import common


def _run_all() -> None:
    from docket.core.inline_tasks import run_ready_tasks

    run_ready_tasks()


def born_digital(count: int) -> dict:
    from benchmarks.upload import make_pdfs
    from docket.customers.services import customer_create
    from docket.documents.models import Document, DocumentType
    from docket.ingest.models import IngestJob
    from docket.ingest.services import ingest_submit

    common.reset_database()
    for name in (
        "上海ABC贸易有限公司",
        "北京星辰科技有限公司",
        "广州南方物流有限公司",
        "深圳华信电子有限公司",
    ):
        customer_create(actor=None, name=name)
    contract = DocumentType.objects.get(name="合同")
    pdfs = make_pdfs(count)
    start = time.perf_counter()
    for name, data in pdfs:
        ingest_submit(
            actor=None,
            file=io.BytesIO(data),
            filename=name,
            source=IngestJob.Source.CLI,
            document_type=contract,
        )
    _run_all()
    seconds = time.perf_counter() - start
    filed = Document.objects.count()
    return {
        "documents": count,
        "filed": filed,
        "seconds": round(seconds, 2),
        "docs_per_second": round(filed / seconds, 1),
    }


def scanned(pages: int) -> dict:
    from docket.customers.services import customer_create
    from docket.documents.models import DocumentType
    from docket.ingest.models import IngestJob
    from docket.ingest.scanner import render_page
    from docket.ingest.services import ingest_submit

    common.reset_database()
    customer = customer_create(actor=None, name="上海ABC贸易有限公司")
    contract = DocumentType.objects.get(name="合同")
    scans = []
    for seed in range(pages):
        image, _ = render_page(seed=seed, dpi=300, noisy=True)
        out = io.BytesIO()
        image.convert("L").save(out, format="PDF", resolution=300)
        scans.append(out.getvalue())
    _warm_up_ocr()
    times = []
    for i, data in enumerate(scans):
        start = time.perf_counter()
        ingest_submit(
            actor=None,
            file=io.BytesIO(data),
            filename=f"扫描件{i}.pdf",
            source=IngestJob.Source.CLI,
            customer=customer,
            document_type=contract,
        )
        _run_all()
        times.append(time.perf_counter() - start)
    done = IngestJob.objects.filter(state="done", ocr_pages=1).count()
    return {
        "pages": pages,
        "ocr_done": done,
        "seconds_per_page_median": round(statistics.median(times), 2),
    }


def _warm_up_ocr() -> None:
    """Start the OCR pool and load its models before timing (once per worker process)."""
    from docket.ingest.ocr import ocr_pages
    from docket.ingest.scanner import render_page
    from docket.ingest.types import PageImage

    image, _ = render_page(seed=99, dpi=150)
    ocr_pages([PageImage(number=0, image=image)])


def peak_memory_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, children) / 1024, 0)


def main() -> None:
    args = common.parse_args(__doc__)
    common.setup_django(args.db, args.workdir)
    result = {
        "database": common.database_label(),
        "born_digital": born_digital(50 if args.quick else 300),
        "scanned": scanned(2 if args.quick else 6),
        "peak_memory_mb": peak_memory_mb(),
    }
    b, s = result["born_digital"], result["scanned"]
    print(
        common.table(
            ["database", "born-digital docs", "docs/s", "scanned pages", "s/page (OCR)", "peak MB"],
            [
                [
                    result["database"],
                    b["filed"],
                    b["docs_per_second"],
                    s["ocr_done"],
                    s["seconds_per_page_median"],
                    result["peak_memory_mb"],
                ]
            ],
        )
    )
    common.write_json(args, result)


if __name__ == "__main__":
    main()
