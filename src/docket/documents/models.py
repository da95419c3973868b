from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from docket.access.models import Level
from docket.customers.models import Customer

DEFAULT_NUMBER_PATTERN = "{code}-{year}-{seq:04d}"
DEFAULT_NAMING_TEMPLATE = "{customer}_{type}_{date:%Y%m%d}"

# The types an installation starts with (migration 0002), by code. The stored name stays as
# seeded; while a type still has it, pages show it in the reader's language (合同 is
# "Contract" in English). A renamed type, or one a company made, shows its own name.
SEEDED_TYPE_NAMES = {
    "HT": gettext_noop("合同"),
    "BJD": gettext_noop("报价单"),
    "FP": gettext_noop("发票"),
    "QSD": gettext_noop("签收单"),
    "YYZZ": gettext_noop("营业执照"),
    "SQWT": gettext_noop("授权委托书"),
    "HYJY": gettext_noop("会议纪要"),
    "FWSQ": gettext_noop("服务申请单"),
}


def type_display_name(code: str, name: str) -> str:
    """A type's name as a page shows it (for rows read as values; DocumentType.display_name
    for a model)."""
    return gettext(name) if SEEDED_TYPE_NAMES.get(code) == name else name


class DocumentType(models.Model):
    name = models.CharField(max_length=50, unique=True)  # 合同, 报价单, 发票 …
    code = models.CharField(max_length=10, unique=True)  # HT, BJD, FP …
    number_pattern = models.CharField(max_length=100, default=DEFAULT_NUMBER_PATTERN)
    naming_template = models.CharField(max_length=200, default=DEFAULT_NAMING_TEMPLATE)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The name in the reader's language if it is still the seeded one (the API and
        stored file names keep `name`)."""
        return type_display_name(self.code, self.name)


class Tag(models.Model):
    name = models.CharField(max_length=50, unique=True)
    color = models.CharField(max_length=7, default="#3b82f6")  # #rrggbb

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ArchiveCounter(models.Model):
    """The last sequence number issued per type and year. It only ever grows, so an archive
    number is never reused, even after its document is deleted."""

    document_type = models.ForeignKey(DocumentType, on_delete=models.PROTECT)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document_type", "year"], name="one_counter_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.document_type_id}/{self.year}: {self.last}"


class LiveDocumentManager(models.Manager):
    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(deleted_at__isnull=True)


class Document(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        ACTIVE = "active", _("有效")
        ARCHIVED = "archived", _("已归档")

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="documents")
    document_type = models.ForeignKey(DocumentType, on_delete=models.PROTECT)
    title = models.CharField(max_length=300)
    document_date = models.DateField(null=True, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="documents")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    notes = models.TextField(blank=True)
    # 密级: readers need a clearance at least this high (docket.access.rules).
    confidentiality = models.IntegerField(choices=Level.choices, default=Level.INTERNAL)
    archive_number = models.CharField(max_length=60, unique=True)
    file_stem = models.CharField(max_length=255, blank=True)  # rule-made name, see naming.py
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)  # set: the document is in the trash
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = LiveDocumentManager()
    all_objects = models.Manager()  # noqa: DJ012 (ruff takes a Manager() for a field)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "document_type"]),
            models.Index(fields=["document_date"]),
            # The default list: live documents, newest first. Partial, because PostgreSQL will
            # not use (deleted_at, created_at) to sort when deleted_at IS NULL is the filter.
            models.Index(
                fields=["-created_at", "-id"],
                condition=Q(deleted_at__isnull=True),
                name="document_live_newest_first",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.archive_number} {self.title}"


class Version(models.Model):
    """One immutable file of a document. The file and its metadata never change; `text` is
    derived from the file (by a background task) and can always be extracted again."""

    class TextState(models.TextChoices):
        PENDING = "pending", _("待提取")
        DONE = "done", _("已提取")
        NONE = "none", _("无文本")
        FAILED = "failed", _("提取失败")

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.BigIntegerField()
    mime_type = models.CharField(max_length=150)
    original_name = models.TextField()  # as uploaded, control characters escaped
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True)
    restored_from = models.PositiveIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)
    text_state = models.CharField(
        max_length=10, choices=TextState.choices, default=TextState.PENDING
    )
    text_task_id = models.CharField(max_length=64, blank=True)
    thumbnail_sha256 = models.CharField(max_length=64, blank=True)  # derived, like text

    class Meta:
        ordering = ["document_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="one_number_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.document_id} v{self.number}"


class Checkout(models.Model):
    """A lock on a document while one person edits it. Expired locks are ignored."""

    document = models.OneToOneField(Document, on_delete=models.CASCADE, related_name="checkout")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    checked_out_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    note = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"{self.document_id} checked out by {self.user_id} until {self.expires_at}"
