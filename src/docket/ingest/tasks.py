"""Background work of the ingest pipeline, run by `docket worker`."""

from django.utils.translation import gettext_noop as _
from django_tasks import task

from docket.core.notices import Notice
from docket.ingest.models import IngestJob
from docket.storage.blobstore import get_blob_store


@task()
def run_ingest_job(job_id: str) -> str:
    """Run one job through the pipeline. Returns its final state. A job already done (the
    task ran twice, or a recovered job had committed) is left alone."""
    from docket.ingest.pipeline import run_job
    from docket.ingest.steps import STEPS

    job = IngestJob.objects.select_related("customer", "document_type", "target_document").get(
        pk=job_id
    )
    if job.state == IngestJob.State.DONE:
        return job.state
    data = get_blob_store().read_bytes(job.sha256)
    try:
        run_job(job, data, STEPS)
    except Exception as exc:
        job.state = IngestJob.State.FAILED
        job.set_reason(
            Notice(
                _("internal error in step %(step)s: %(error)s"),
                step=job.step,
                error=f"{type(exc).__name__}: {exc}"[:1900],
            )
        )
        job.save()
        raise
    return job.state
