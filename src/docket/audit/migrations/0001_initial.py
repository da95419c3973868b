"""The audit tables, and the triggers that make them append-only (per database; see
models.py). Made by makemigrations; the triggers were added by hand.

`audit_unlock` is not a model: a row in it lets DELETE/TRUNCATE through, and only Docket's
`flush` command (management/commands/flush.py) puts one there, inside its own transaction.
The trigger SQL is module-level so tests can drop and reinstall it, as a DBA would."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


UNLOCK_TABLE = "CREATE TABLE audit_unlock (reason text NOT NULL)"

# The one UPDATE allowed: Django's SET_NULL of actor_id when a user is deleted (the hash
# covers actor_uid, which no UPDATE may touch).
SQLITE_TRIGGERS = [
    """CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent
    WHEN NEW.actor_id IS NOT NULL
        OR NEW.seq IS NOT OLD.seq OR NEW.at IS NOT OLD.at OR NEW.actor_uid IS NOT OLD.actor_uid
        OR NEW.actor_name IS NOT OLD.actor_name OR NEW.action IS NOT OLD.action
        OR NEW.outcome IS NOT OLD.outcome OR NEW.document_id IS NOT OLD.document_id
        OR NEW.customer_id IS NOT OLD.customer_id OR NEW.ip IS NOT OLD.ip
        OR NEW.user_agent IS NOT OLD.user_agent OR NEW.details IS NOT OLD.details
        OR NEW.prev_hash IS NOT OLD.prev_hash OR NEW.hash IS NOT OLD.hash
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only: UPDATE refused'); END""",
    """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
    WHEN NOT EXISTS (SELECT 1 FROM audit_unlock)
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only: DELETE refused'); END""",
    """CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_audithead
    WHEN NEW.id IS NOT OLD.id OR NEW.seq IS NOT OLD.seq + 1
    BEGIN SELECT RAISE(ABORT, 'the audit head only moves forward, one event at a time'); END""",
    """CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_audithead
    WHEN NOT EXISTS (SELECT 1 FROM audit_unlock)
    BEGIN SELECT RAISE(ABORT, 'the audit head cannot be deleted'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
    "DROP TRIGGER IF EXISTS audit_head_forward_only",
    "DROP TRIGGER IF EXISTS audit_head_no_delete",
]

# Row triggers do not see TRUNCATE, so PostgreSQL also gets a statement trigger for it.
POSTGRESQL_TRIGGERS = [
    """CREATE FUNCTION audit_event_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' THEN
            IF NEW.actor_id IS NULL
                    AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN
                RETURN NEW;
            END IF;
            RAISE EXCEPTION 'audit events are append-only: UPDATE refused';
        END IF;
        IF EXISTS (SELECT 1 FROM audit_unlock) THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION USING MESSAGE = 'audit events are append-only: ' || TG_OP || ' refused';
    END $$""",
    """CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_guard()""",
    """CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_guard()""",
    """CREATE FUNCTION audit_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' THEN
            IF NEW.id = OLD.id AND NEW.seq = OLD.seq + 1 THEN
                RETURN NEW;
            END IF;
            RAISE EXCEPTION 'the audit head only moves forward, one event at a time';
        END IF;
        IF EXISTS (SELECT 1 FROM audit_unlock) THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION USING MESSAGE = 'the audit head cannot be removed: ' || TG_OP || ' refused';
    END $$""",
    """CREATE TRIGGER audit_head_guard BEFORE UPDATE OR DELETE ON audit_audithead
    FOR EACH ROW EXECUTE FUNCTION audit_head_guard()""",
    """CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_audithead
    FOR EACH STATEMENT EXECUTE FUNCTION audit_head_guard()""",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent",
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent",
    "DROP TRIGGER IF EXISTS audit_head_guard ON audit_audithead",
    "DROP TRIGGER IF EXISTS audit_head_no_truncate ON audit_audithead",
    "DROP FUNCTION IF EXISTS audit_event_guard()",
    "DROP FUNCTION IF EXISTS audit_head_guard()",
]


def _statements(vendor):
    if vendor == "sqlite":
        return SQLITE_TRIGGERS, SQLITE_DROP
    if vendor == "postgresql":
        return POSTGRESQL_TRIGGERS, POSTGRESQL_DROP
    raise RuntimeError(
        f"the audit trail's append-only triggers exist for SQLite and PostgreSQL, not {vendor}"
    )


def install_triggers(apps, schema_editor):
    schema_editor.execute(UNLOCK_TABLE)
    for statement in _statements(schema_editor.connection.vendor)[0]:
        schema_editor.execute(statement)


def remove_triggers(apps, schema_editor):
    for statement in _statements(schema_editor.connection.vendor)[1]:
        schema_editor.execute(statement)
    schema_editor.execute("DROP TABLE audit_unlock")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditHead",
            fields=[
                (
                    "id",
                    models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False),
                ),
                ("seq", models.BigIntegerField()),
                ("hash", models.CharField(max_length=64)),
            ],
            options={
                "constraints": [
                    models.CheckConstraint(condition=models.Q(("id", 1)), name="audit_head_one_row")
                ],
            },
        ),
        migrations.CreateModel(
            name="AuditAlert",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("downloads", "大量下载"),
                            ("failed_logins", "多次登录失败"),
                            ("off_hours", "非工作时间访问"),
                        ],
                        max_length=32,
                    ),
                ),
                ("subject", models.CharField(max_length=150)),
                ("message", models.TextField()),
                ("at", models.DateTimeField(db_index=True)),
                ("first_seq", models.BigIntegerField()),
                ("last_seq", models.BigIntegerField()),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-at", "-id"],
                "indexes": [
                    models.Index(fields=["kind", "subject", "at"], name="audit_alert_dedupe")
                ],
            },
        ),
        migrations.CreateModel(
            name="AuditEvent",
            fields=[
                ("seq", models.BigIntegerField(primary_key=True, serialize=False)),
                ("at", models.DateTimeField(db_index=True)),
                ("actor_uid", models.BigIntegerField(blank=True, null=True)),
                ("actor_name", models.CharField(blank=True, max_length=150)),
                (
                    "action",
                    models.CharField(
                        choices=[
                            ("login", "登录"),
                            ("logout", "退出"),
                            ("login_failed", "登录失败"),
                            ("view", "查看"),
                            ("preview", "预览"),
                            ("download", "下载"),
                            ("search", "搜索"),
                            ("upload", "上传"),
                            ("edit", "编辑"),
                            ("new_version", "新版本"),
                            ("restore_version", "恢复版本"),
                            ("checkout", "签出"),
                            ("checkin", "签入"),
                            ("delete", "删除"),
                            ("restore_from_trash", "从回收站恢复"),
                            ("permission_change", "权限变更"),
                            ("share", "分享"),
                            ("export", "导出"),
                            ("settings_change", "设置变更"),
                            ("audit_export", "导出审计日志"),
                        ],
                        max_length=32,
                    ),
                ),
                (
                    "outcome",
                    models.CharField(
                        choices=[("success", "成功"), ("denied", "拒绝"), ("failure", "失败")],
                        default="success",
                        max_length=16,
                    ),
                ),
                ("document_id", models.BigIntegerField(blank=True, db_index=True, null=True)),
                ("customer_id", models.BigIntegerField(blank=True, db_index=True, null=True)),
                ("ip", models.CharField(blank=True, max_length=45)),
                ("user_agent", models.CharField(blank=True, max_length=500)),
                ("details", models.JSONField(blank=True, default=dict)),
                ("prev_hash", models.CharField(max_length=64)),
                ("hash", models.CharField(max_length=64)),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-seq"],
                "indexes": [
                    models.Index(
                        fields=["actor_uid", "action", "at"], name="audit_actor_action_at"
                    ),
                    models.Index(fields=["action", "at"], name="audit_action_at"),
                ],
            },
        ),
        migrations.RunPython(install_triggers, remove_triggers),
    ]
