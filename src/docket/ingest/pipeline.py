"""The ingest pipeline: ordered steps with a written contract and typed results.

Contract for a step (after Paperless-ngx's consume plugins):
- `name`: shown as the job's current step while it runs, and kept when it fails.
- `able_to_run(ctx)`: cheap; False skips the step (an image has no text layer to read).
- `run(ctx)`: does its work on the context and returns one of
    Continue()                          go on to the next step;
    Finished(document, duplicate)       the job is done: it made (or found) this document;
    Fanned(children)                    the file is a container (zip, batch scan): each child
                                        is a new job, and this job is done without a document;
    Review(reason)                      a person must decide (no customer could be determined);
  or raises IngestError (corrupt, needs a password, over a limit) with a reason for the inbox.
Steps never touch the job's state: `run_job` does, so every step stays a plain function of
the context. The only step that writes documents is `store`, in one transaction together with
the job's DONE state, so a job retried after a crash never makes a second document.
"""

import logging
from dataclasses import dataclass, field
from typing import Protocol

from django.utils import timezone
from django.utils.translation import gettext_noop as _

from docket.core.notices import Notice
from docket.documents.models import Document
from docket.ingest.models import IngestJob, reason_fields
from docket.ingest.types import ChildFile, IngestError, NeedsPassword, Parsed

logger = logging.getLogger(__name__)


@dataclass
class Context:
    job: IngestJob
    data: bytes
    password: str | None = None
    mime_type: str = ""
    parsed: Parsed | None = None
    text: str = ""
    ocr_pages: int = 0
    children: list[ChildFile] = field(default_factory=list)  # filed after this document


@dataclass(frozen=True)
class Continue:
    pass


@dataclass(frozen=True)
class Finished:
    document: Document
    duplicate: bool = False


@dataclass(frozen=True)
class Fanned:
    children: list["ChildJob"]


@dataclass(frozen=True)
class Review:
    reason: str  # a Notice, as an IngestError's reason


@dataclass(frozen=True)
class ChildJob:
    """A file found inside another, with what the parent knows about where it belongs."""

    file: ChildFile
    source: str
    customer_id: int | None = None
    document_type_id: int | None = None
    target_document_id: int | None = None


StepResult = Continue | Finished | Fanned | Review


class Step(Protocol):
    name: str

    def able_to_run(self, ctx: Context) -> bool: ...

    def run(self, ctx: Context) -> StepResult: ...


def _save(job: IngestJob, **fields: object) -> None:
    """Save the whole job: steps record what they learn on it (type, pages, fields)."""
    for key, value in fields.items():
        setattr(job, key, value)
    job.heartbeat_at = timezone.now()
    job.save()


def run_job(job: IngestJob, data: bytes, steps: list[Step], *, password: str | None = None) -> None:
    """Run the steps over one job, recording its state as it goes."""
    from docket.ingest.services import ingest_submit_child

    ctx = Context(job=job, data=data, password=password)
    _save(job, state=IngestJob.State.RUNNING, attempts=job.attempts + 1, **reason_fields(""))
    for step in steps:
        _save(job, step=step.name)
        if not step.able_to_run(ctx):
            continue
        try:
            result = step.run(ctx)
        except NeedsPassword as exc:
            _save(job, state=IngestJob.State.NEEDS_PASSWORD, **reason_fields(exc.reason))
            return
        except IngestError as exc:
            _save(job, state=IngestJob.State.FAILED, **reason_fields(exc.reason))
            return
        if isinstance(result, Continue):
            continue
        if isinstance(result, Review):
            _save(job, state=IngestJob.State.NEEDS_REVIEW, **reason_fields(result.reason))
            return
        if isinstance(result, Fanned):
            for child in result.children:
                ingest_submit_child(parent=job, child=child)
            _save(job, state=IngestJob.State.DONE, finished_at=timezone.now())
            return
        if isinstance(result, Finished):
            # `store` already set DONE in its transaction; a duplicate is recorded here.
            if result.duplicate:
                _save(
                    job,
                    state=IngestJob.State.DONE,
                    document=result.document,
                    duplicate=True,
                    finished_at=timezone.now(),
                    **reason_fields(
                        Notice(_("identical to %(number)s"), number=result.document.archive_number)
                    ),
                )
            for child in ctx.children:
                ingest_submit_child(
                    parent=job,
                    child=ChildJob(
                        file=child,
                        source=job.source,
                        customer_id=result.document.customer_id,
                        document_type_id=job.document_type_id,
                    ),
                )
            return
    raise RuntimeError("the pipeline ended without storing the document")  # a bug in STEPS
