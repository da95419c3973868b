"""The audit trail: events in a hash chain, the anchor that records its end, and alerts.

Append-only is enforced by the database (migration 0001 installs triggers on SQLite and
PostgreSQL): an UPDATE or DELETE of an event raises, and so does a DELETE of the anchor. The
only UPDATE of an event the triggers let through is Django's SET_NULL of `actor` when a user is
deleted; the hash covers `actor_uid`, which nothing ever changes. See docs in services.py and
verify.py for what the chain does and does not protect against.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["GENESIS_HASH", "AuditAlert", "AuditEvent", "AuditHead"]

# The prev_hash of the first event.
GENESIS_HASH = "0" * 64


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        LOGIN = "login", _("登录")
        LOGOUT = "logout", _("退出")
        LOGIN_FAILED = "login_failed", _("登录失败")
        VIEW = "view", _("查看")
        PREVIEW = "preview", _("预览")
        DOWNLOAD = "download", _("下载")
        SEARCH = "search", _("搜索")
        UPLOAD = "upload", _("上传")
        EDIT = "edit", _("编辑")
        NEW_VERSION = "new_version", _("新版本")
        RESTORE_VERSION = "restore_version", _("恢复版本")
        CHECKOUT = "checkout", _("检出")
        CHECKIN = "checkin", _("检入")
        DELETE = "delete", _("删除")
        RESTORE_FROM_TRASH = "restore_from_trash", _("从回收站恢复")
        PERMISSION_CHANGE = "permission_change", _("权限变更")
        SHARE = "share", _("分享")
        EXPORT = "export", _("导出")
        SETTINGS_CHANGE = "settings_change", _("设置变更")
        AUDIT_EXPORT = "audit_export", _("导出审计日志")
        INGEST_DISMISS = "ingest_dismiss", _("移除上传")
        INGEST_RETRY = "ingest_retry", _("重试上传")

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("成功")
        DENIED = "denied", _("拒绝")
        FAILURE = "failure", _("失败")

    # Issued by audit_record under a lock: 1, 2, 3 … with no gaps, so a gap means a deletion.
    seq = models.BigIntegerField(primary_key=True)
    at = models.DateTimeField(db_index=True)
    # A navigable link that Django nulls when the user is deleted (the one UPDATE the trigger
    # allows); actor_uid and actor_name are what the event says, for ever.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_uid = models.BigIntegerField(null=True, blank=True)
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=32, choices=Action.choices)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.SUCCESS)
    # Plain numbers, not foreign keys: an event outlives a purged document or customer.
    document_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    customer_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    # Text, normalised in Python: PostgreSQL's inet would rewrite some addresses on the way
    # back, and the hash must see what was stored.
    ip = models.CharField(max_length=45, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["actor_uid", "action", "at"], name="audit_actor_action_at"),
            models.Index(fields=["action", "at"], name="audit_action_at"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action}"


class AuditHead(models.Model):
    """One row: the seq and hash of the last event, moved in the same transaction as each
    append. Without it, deleting the newest events would leave a shorter chain that still
    verifies. A trigger refuses to delete it and lets it move only forward, one at a time."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField()
    hash = models.CharField(max_length=64)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_head_one_row")]

    def __str__(self) -> str:
        return f"audit head #{self.seq}"


class AuditAlert(models.Model):
    """Something in the trail an administrator should look at (alerts.py makes these)."""

    class Kind(models.TextChoices):
        DOWNLOADS = "downloads", _("大量下载")
        FAILED_LOGINS = "failed_logins", _("多次登录失败")
        OFF_HOURS = "off_hours", _("非工作时间访问")

    kind = models.CharField(max_length=32, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who the rule counted: a username, or an IP address for failed logins from one place.
    subject = models.CharField(max_length=150)
    message = models.TextField()
    at = models.DateTimeField(db_index=True)
    first_seq = models.BigIntegerField()
    last_seq = models.BigIntegerField()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["kind", "subject", "at"], name="audit_alert_dedupe")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.subject}"
