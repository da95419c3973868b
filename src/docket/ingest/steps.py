"""The pipeline's steps, in order (STEPS at the bottom). See pipeline.py for the contract."""

from django.db import transaction
from django.utils import timezone

from docket.documents.models import Version
from docket.documents.text import normalise
from docket.ingest import extract, suggest, training
from docket.ingest.models import IngestJob
from docket.ingest.pipeline import (
    ChildJob,
    Context,
    Continue,
    Fanned,
    Finished,
    Review,
    Step,
    StepResult,
)
from docket.ingest.thumbnails import thumbnail_for

ZIP = "application/zip"


class Sniff:
    name = "sniff"

    def able_to_run(self, ctx: Context) -> bool:
        return True

    def run(self, ctx: Context) -> StepResult:
        from docket.ingest.sniff import sniff

        ctx.mime_type = sniff(ctx.data, ctx.job.original_name)
        ctx.job.mime_type = ctx.mime_type
        return Continue()


class Dedupe:
    """The same bytes already filed as a live document: done, pointing at that document."""

    name = "dedupe"

    def able_to_run(self, ctx: Context) -> bool:
        return ctx.job.target_document_id is None

    def run(self, ctx: Context) -> StepResult:
        existing = (
            Version.objects.filter(sha256=ctx.job.sha256, document__deleted_at__isnull=True)
            .select_related("document")
            .order_by("id")
            .first()
        )
        return Finished(existing.document, duplicate=True) if existing else Continue()


class Unpack:
    """A zip archive is a container: each member becomes a job of its own."""

    name = "unpack"

    def able_to_run(self, ctx: Context) -> bool:
        return ctx.mime_type == ZIP

    def run(self, ctx: Context) -> StepResult:
        from docket.ingest.parsers import parse

        parsed = parse(ctx.data, ctx.mime_type)
        return Fanned([_child_of(ctx, member, "archive") for member in parsed.children])


class ReadText:
    name = "read_text"

    def able_to_run(self, ctx: Context) -> bool:
        return True

    def run(self, ctx: Context) -> StepResult:
        from docket.ingest.parsers import parse

        ctx.parsed = parse(ctx.data, ctx.mime_type, password=ctx.password)
        ctx.text = normalise(ctx.parsed.text)  # page breaks (form feeds) become newlines
        ctx.children = list(ctx.parsed.children)  # an email's attachments
        ctx.job.page_count = ctx.parsed.page_count
        return Continue()


class SplitBatch:
    """A scanned batch with separator sheets or archive-number labels becomes several jobs."""

    name = "split"

    def able_to_run(self, ctx: Context) -> bool:
        parsed = ctx.parsed
        return (
            parsed is not None
            and (parsed.page_count or 0) > 1
            and bool(parsed.pages_without_text)
            and ctx.job.source != IngestJob.Source.SPLIT
        )

    def run(self, ctx: Context) -> StepResult:
        parts = extract.plan_batch_split(ctx.data, ctx.mime_type, ctx.parsed, password=ctx.password)
        if parts is None:
            return Continue()
        return Fanned(
            [
                ChildJob(
                    file=part.file,
                    source=IngestJob.Source.SPLIT,
                    customer_id=part.customer_id or ctx.job.customer_id,
                    document_type_id=part.document_type_id or ctx.job.document_type_id,
                    target_document_id=part.target_document_id,
                )
                for part in parts
            ]
        )


class Ocr:
    name = "ocr"

    def able_to_run(self, ctx: Context) -> bool:
        return ctx.parsed is not None and bool(ctx.parsed.pages_without_text)

    def run(self, ctx: Context) -> StepResult:
        ctx.text, ctx.ocr_pages = extract.ocr_missing_pages(
            ctx.data, ctx.mime_type, ctx.parsed, password=ctx.password
        )
        ctx.job.ocr_pages = ctx.ocr_pages
        return Continue()


class Suggest:
    """Fields from the text, then customer, type and tags for what the submitter left open."""

    name = "suggest"

    def able_to_run(self, ctx: Context) -> bool:
        return True

    def run(self, ctx: Context) -> StepResult:
        decision = suggest.decide(ctx.job, ctx.text)
        if decision.missing:
            return Review(decision.missing)
        return Continue()


class Store:
    name = "store"

    def able_to_run(self, ctx: Context) -> bool:
        return True

    def run(self, ctx: Context) -> StepResult:
        from docket.documents import catalog, services
        from docket.storage.blobstore import StoredBlob

        job = ctx.job
        blob = StoredBlob(sha256=job.sha256, size=job.size, created=False)
        with transaction.atomic():
            locked = IngestJob.objects.select_for_update().get(pk=job.pk)
            if locked.document_id is not None:  # a retry after a crash past the commit
                return Finished(locked.document)
            if job.target_document is not None:
                version = services.version_add_from_blob(
                    actor=job.created_by,
                    document=job.target_document,
                    blob=blob,
                    mime_type=ctx.mime_type,
                    filename=job.original_name,
                    text=ctx.text,
                    comment="added by a labelled batch scan",
                )
                document = version.document
            else:
                tags = [catalog.tag_get_or_create(actor=None, name=n) for n in job.tag_names]
                document = services.document_create_from_blob(
                    actor=job.created_by,
                    blob=blob,
                    mime_type=ctx.mime_type,
                    filename=job.original_name,
                    customer=job.customer,
                    document_type=job.document_type,
                    title=job.title or suggest.title_for(ctx),
                    document_date=suggest.document_date(job),
                    tags=tags,
                    text=ctx.text,
                )
            job.document = document
            job.state = IngestJob.State.DONE
            job.finished_at = timezone.now()
            job.save()
        training.retrain_if_due()
        thumbnail_for(document.versions.order_by("-number").first())  # ready for the lists
        return Finished(document)


STEPS: list[Step] = [
    Sniff(),
    Dedupe(),
    Unpack(),
    ReadText(),
    SplitBatch(),
    Ocr(),
    Suggest(),
    Store(),
]


def _child_of(ctx: Context, file, source: str) -> ChildJob:  # noqa: ANN001 (ChildFile)
    return ChildJob(
        file=file,
        source=source,
        customer_id=ctx.job.customer_id,
        document_type_id=ctx.job.document_type_id,
    )
