"""Run queued background tasks in this process, the way `docket worker` runs them (same code
path: django-tasks-db's Worker.run_task), for the CLI's "do it now" mode and for tests."""

from django.db import transaction
from django.db.models import QuerySet
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

WORKER_ID = "docket-inline"


def _worker() -> Worker:
    return Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=WORKER_ID,
        excluded_queue_names=[],
    )


def run_ready_tasks(tasks: QuerySet[DBTaskResult] | None = None) -> int:
    """Claim and run ready tasks (all, or those in `tasks`) until none is left. Returns how
    many ran. Claiming takes the row lock, so a worker running meanwhile never runs one twice."""
    worker = _worker()
    ran = 0
    while True:
        with transaction.atomic():
            ready = (tasks if tasks is not None else DBTaskResult.objects.all()).ready()
            result = ready.order_by("enqueued_at").get_locked()
            if result is None:
                return ran
            result.claim(WORKER_ID)
        worker.run_task(result)
        ran += 1


def tasks_for(task_name: str, *args: object) -> QuerySet[DBTaskResult]:
    return DBTaskResult.objects.filter(task_path__endswith=task_name, args_kwargs__args=list(args))
