from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "docket.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        # The one place Docket listens to signals: Django's own login and logout views (and
        # `authenticate()` when it fails) announce themselves only through these, so there is
        # no service of ours to call the audit from. Everything else records its events by
        # calling docket.audit.services.audit_record by name.
        from django.contrib.auth import signals

        from docket.audit import auth_events

        signals.user_logged_in.connect(auth_events.on_login, dispatch_uid="audit-login")
        signals.user_logged_out.connect(auth_events.on_logout, dispatch_uid="audit-logout")
        signals.user_login_failed.connect(
            auth_events.on_login_failed, dispatch_uid="audit-login-failed"
        )
