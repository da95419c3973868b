"""Who may do what: roles, teams, each user's membership and clearance, and grants.

The rules that read these tables live in one place, `access.rules` (see its docstring); nothing
else decides whether a user may see or change a document or a customer.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    """Confidentiality (密级) of a document, and the clearance of a user: a user reads the
    content of documents at or below their clearance."""

    PUBLIC = 0, _("公开")
    INTERNAL = 1, _("内部")
    SECRET = 2, _("秘密")
    TOP_SECRET = 3, _("机密")


class Permission(models.TextChoices):
    VIEW = "view", _("查看")
    DOWNLOAD = "download", _("下载")
    UPLOAD = "upload", _("上传")
    EDIT = "edit", _("编辑")
    DELETE = "delete", _("删除")
    SHARE = "share", _("分享")
    MANAGE = "manage", _("管理权限")


class Scope(models.TextChoices):
    """Which customers a role's permissions cover without a grant."""

    OWN = "own", _("自己负责的客户")
    TEAM = "team", _("本团队的客户")
    ALL = "all", _("全部客户")


class Capability(models.TextChoices):
    """What a role may do beyond documents and customers."""

    FULL_CONTROL = "full_control", _("完全控制")
    ALL_METADATA = "all_metadata", _("查看全部元数据（不含超出密级的内容）")
    MANAGE_USERS = "manage_users", _("管理用户、角色和团队")
    MANAGE_CATALOG = "manage_catalog", _("管理文档类型、命名规则和标签")
    MANAGE_ARCHIVE = "manage_archive", _("管理纸质档案和保管期限")
    MANAGE_SETTINGS = "manage_settings", _("管理设置和备份")
    VIEW_AUDIT = "view_audit", _("查看审计日志")
    APPROVE = "approve", _("审批")


class Role(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=50, unique=True)  # 销售, 经理 …
    description = models.CharField(max_length=300, blank=True)
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.OWN)
    permissions = models.JSONField(default=list)  # Permission values, over `scope`
    capabilities = models.JSONField(default=list)  # Capability values
    requires_2fa = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    # A seeded role (销售 …) in the reader's language while it keeps its seeded text; the API
    # and the audit trail keep the stored text.
    @property
    def display_name(self) -> str:
        from docket.access.seeds import seeded_text  # seeds.py imports this module

        return seeded_text(self.code, "name", self.name)

    @property
    def display_description(self) -> str:
        from docket.access.seeds import seeded_text

        return seeded_text(self.code, "description", self.description)


class Team(models.Model):
    name = models.CharField(max_length=100, unique=True)  # 华东销售部 …
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    """A user's place: role, team and clearance. A user without one may do nothing (deny by
    default), unless they are a superuser."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member"
    )
    role = models.ForeignKey(Role, null=True, blank=True, on_delete=models.PROTECT)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    clearance = models.IntegerField(choices=Level.choices, default=Level.INTERNAL)

    def __str__(self) -> str:
        return f"{self.user} ({self.role or '-'})"


class Grant(models.Model):
    """One permission, given to a user or a team, on a customer (and so on all of its
    documents) or on one document."""

    permission = models.CharField(max_length=10, choices=Permission.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="access_grants",
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="grants"
    )
    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="grants",
    )
    document = models.ForeignKey(
        "documents.Document",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="grants",
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, team__isnull=True)
                | Q(user__isnull=True, team__isnull=False),
                name="grant_to_a_user_or_a_team",
            ),
            models.CheckConstraint(
                condition=Q(customer__isnull=False, document__isnull=True)
                | Q(customer__isnull=True, document__isnull=False),
                name="grant_on_a_customer_or_a_document",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "permission"]),
            models.Index(fields=["team", "permission"]),
        ]

    def __str__(self) -> str:
        target = (
            f"document {self.document_id}" if self.document_id else f"customer {self.customer_id}"
        )
        return f"{self.permission} on {target} for {self.user or self.team}"
