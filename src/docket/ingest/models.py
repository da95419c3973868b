import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from docket.core.notices import as_json, from_json, translated
from docket.customers.models import Customer
from docket.documents.models import Document, DocumentType


def reason_fields(reason: str) -> dict[str, object]:
    """The columns that record why a job stopped (or ""): the English sentence, and for a
    Notice what a page needs to show it in the user's language (IngestJob.reason_text)."""
    return {"reason": str(reason), "reason_notice": as_json(reason)}


class IngestJob(models.Model):
    """One file on its way in. The file's bytes are in the blob store from the moment the job
    exists, so a job that fails keeps its file: it waits in the inbox with a reason and can be
    retried. A job that succeeds points at the document it made (or the one it duplicated)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("处理中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")
        NEEDS_PASSWORD = "needs_password", _("需要密码")
        NEEDS_REVIEW = "needs_review", _("待确认")  # no customer or type could be decided

    class Source(models.TextChoices):
        UPLOAD = "upload", _("上传")
        CLI = "cli", _("命令行")
        FOLDER = "folder", _("监控文件夹")
        EMAIL = "email", _("邮箱")
        SPLIT = "split", _("批量扫描拆分")
        ARCHIVE = "archive", _("压缩包")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    source = models.CharField(max_length=20, choices=Source.choices)
    source_ref = models.TextField(blank=True)  # a folder path, a mailbox uid …
    state = models.CharField(max_length=20, choices=State.choices, default=State.QUEUED)
    step = models.CharField(max_length=40, blank=True)  # the step running or that failed
    reason = models.TextField(blank=True)  # English: what the API and the CLI show
    reason_notice = models.JSONField(null=True, blank=True)  # its template, values: reason_fields
    attempts = models.PositiveIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField()
    original_name = models.TextField()
    mime_type = models.CharField(max_length=150, blank=True)

    # What the submitter said; the pipeline's suggestions fill what they left out.
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.SET_NULL)
    document_type = models.ForeignKey(
        DocumentType, null=True, blank=True, on_delete=models.SET_NULL
    )
    title = models.CharField(max_length=300, blank=True)
    tag_names = models.JSONField(default=list, blank=True)
    # Set on a split part or a labelled page: pages go to an existing document as a version.
    target_document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    fields = models.JSONField(default=dict, blank=True)  # extracted: dates, amounts, codes …
    suggestions = models.JSONField(default=dict, blank=True)  # customer/type/tags with scores
    page_count = models.PositiveIntegerField(null=True, blank=True)
    ocr_pages = models.PositiveIntegerField(default=0)

    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="ingest_jobs"
    )
    duplicate = models.BooleanField(default=False)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Set when a person dismisses a job from the inbox (ingest_dismiss): the row and its file
    # stay, as a record of what arrived and who decided not to file it.
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "-created_at"])]
        permissions = [
            ("view_personal_identifiers", "Can see ID-card numbers found in documents unmasked"),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.state})"

    def set_reason(self, reason: str) -> None:
        for name, value in reason_fields(reason).items():
            setattr(self, name, value)

    @property
    def reason_text(self) -> str:
        """The reason in the active language. A row written before reasons were Notices, or
        whose reason was written without `set_reason`, shows its English sentence."""
        if not self.reason_notice:
            return self.reason
        notice = from_json(self.reason_notice)
        return translated(notice) if notice == self.reason else self.reason


class MatchRule(models.Model):
    """A rule that suggests a customer, type or tag when a document's text matches."""

    class Target(models.TextChoices):
        CUSTOMER = "customer", _("客户")
        TYPE = "type", _("文档类型")
        TAG = "tag", _("标签")

    class Mode(models.TextChoices):
        ANY = "any", _("任一词")
        ALL = "all", _("全部词")
        EXACT = "exact", _("精确短语")
        REGEX = "regex", _("正则表达式")
        FUZZY = "fuzzy", _("模糊")

    target_kind = models.CharField(max_length=10, choices=Target.choices)
    target_id = models.PositiveBigIntegerField()
    mode = models.CharField(max_length=10, choices=Mode.choices)
    pattern = models.TextField()
    case_sensitive = models.BooleanField(default=False)
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["target_kind", "id"]

    def __str__(self) -> str:
        return f"{self.target_kind}:{self.target_id} {self.mode} {self.pattern!r}"


class ClassifierState(models.Model):
    """The model trained on this installation's own filed documents (one row). Only this
    application writes `model`, so loading it back is trusted."""

    model = models.BinaryField(null=True)
    trained_at = models.DateTimeField(null=True)
    sample_count = models.PositiveIntegerField(default=0)
    documents_at_training = models.PositiveIntegerField(default=0)
    status = models.TextField(blank=True)  # e.g. "not enough filed documents to learn from"

    def __str__(self) -> str:
        return f"classifier trained {self.trained_at} on {self.sample_count}"
