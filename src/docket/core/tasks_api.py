"""GET /api/tasks/{id}/: the state of one background job, in words a person can act on."""

from django_tasks import TaskResultStatus, default_task_backend
from django_tasks.exceptions import TaskResultDoesNotExist
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from docket.core.errors import NotFound

STATES = {
    TaskResultStatus.READY: "queued",
    TaskResultStatus.RUNNING: "running",
    TaskResultStatus.SUCCESSFUL: "done",
    TaskResultStatus.FAILED: "failed",
}

TaskStateSerializer = inline_serializer(
    "TaskState",
    {
        "id": serializers.CharField(),
        "task": serializers.CharField(),
        "state": serializers.ChoiceField(choices=sorted(STATES.values())),
        "step": serializers.CharField(allow_null=True, required=False),
        "reason": serializers.CharField(allow_null=True),
        "enqueued_at": serializers.DateTimeField(allow_null=True),
        "started_at": serializers.DateTimeField(allow_null=True),
        "finished_at": serializers.DateTimeField(allow_null=True),
    },
)


def _reason(result) -> str | None:  # noqa: ANN001 (a backend's TaskResult)
    if not result.errors:
        return None
    last_line = result.errors[-1].traceback.strip().splitlines()[-1:]
    return last_line[0] if last_line else result.errors[-1].exception_class_path


def _ingest_job_state(request: Request, task_id: str) -> dict | None:
    """An ingest job's id is also its task id: its state says which step is running and, on
    failure, a reason a person can act on."""
    from django.core.exceptions import ValidationError

    from docket.access.rules import ingest_jobs_q
    from docket.ingest.models import IngestJob

    try:
        job = IngestJob.objects.filter(pk=task_id).first()
        if (
            job is not None
            and not IngestJob.objects.filter(ingest_jobs_q(request.user), pk=job.pk).exists()
        ):
            raise NotFound(f"no task {task_id}")
    except ValidationError:
        return None
    if job is None:
        return None
    state = {"needs_password": "failed", "needs_review": "failed"}.get(job.state, job.state)
    return {
        "id": str(job.id),
        "task": "ingest",
        "state": state,
        "step": job.step if job.state == "running" else None,
        "reason": job.reason or None if state == "failed" else None,
        "enqueued_at": job.created_at,
        "started_at": job.heartbeat_at,
        "finished_at": job.finished_at,
    }


@extend_schema(responses=TaskStateSerializer)
@api_view(["GET"])
def task_detail(request: Request, task_id: str) -> Response:
    if (job_state := _ingest_job_state(request, task_id)) is not None:
        return Response(job_state)
    try:
        result = default_task_backend.get_result(task_id)
    except (TaskResultDoesNotExist, ValueError):
        raise NotFound(f"no task {task_id}") from None
    return Response(
        {
            "id": str(result.id),
            "task": result.task.name,
            "state": STATES[result.status],
            "step": None,
            "reason": _reason(result) if result.status == TaskResultStatus.FAILED else None,
            "enqueued_at": result.enqueued_at,
            "started_at": result.started_at,
            "finished_at": result.finished_at,
        }
    )
