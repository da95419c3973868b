"""The suggestion model, trained on this installation's own filed documents and retrained in
the background as more are filed (`retrain_classifier`, or `docket train`)."""

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from docket.documents.models import Document, Version
from docket.ingest.models import ClassifierState

RETRAIN_EVERY = 20  # newly filed documents before the model is trained again
MAX_SAMPLES = 5000  # the newest documents; older ones add little and slow training
_cache: dict[str, object] = {}


def current_model():  # noqa: ANN201 (classify.Model; scikit-learn is imported lazily)
    """The stored model, loaded once per training (None before the first one)."""
    from docket.ingest.classify import Model, ModelLoadError

    state = ClassifierState.objects.filter(model__isnull=False).only("trained_at").first()
    if state is None:
        return None
    key = state.trained_at.isoformat()
    if _cache.get("key") != key:
        try:
            model = Model.loads(bytes(ClassifierState.objects.get(pk=state.pk).model))
        except ModelLoadError:
            return None
        _cache.update(key=key, model=model)
    return _cache["model"]


def _samples() -> list:
    from docket.ingest.classify import TrainingSample

    documents = Document.objects.order_by("-id").prefetch_related("tags")[:MAX_SAMPLES]
    texts = dict(
        Version.objects.filter(document__in=[d.id for d in documents])
        .order_by("document_id", "number")
        .values_list("document_id", "text")
    )  # the last (newest) version's text wins
    return [
        TrainingSample(
            text=texts.get(d.id, "") or d.title,
            type_id=d.document_type_id,
            customer_id=d.customer_id,
            tag_ids=frozenset(t.id for t in d.tags.all()),
        )
        for d in documents
    ]


def train_now() -> ClassifierState:
    from docket.ingest.classify import train

    samples = _samples()
    model = train(samples)
    with transaction.atomic():
        state, _ = ClassifierState.objects.select_for_update().get_or_create(pk=1)
        state.model = model.dumps() if model.ready else None
        state.trained_at = timezone.now()
        state.sample_count = len(samples)
        state.documents_at_training = Document.all_objects.count()
        state.status = "; ".join(f"{k}: {v}" for k, v in model.not_learned.items())
        state.save()
    return state


@task()
def retrain_classifier() -> int:
    return train_now().sample_count


def retrain_if_due() -> None:
    """Queue a retraining once RETRAIN_EVERY documents were filed since the last one."""
    from django_tasks_db.models import DBTaskResult

    state = ClassifierState.objects.filter(pk=1).first()
    trained_on = state.documents_at_training if state else 0
    if Document.all_objects.count() - trained_on < RETRAIN_EVERY:
        return
    queued = DBTaskResult.objects.filter(
        task_path__endswith="retrain_classifier", status__in=["READY", "RUNNING"]
    )
    if not queued.exists():
        retrain_classifier.enqueue()
