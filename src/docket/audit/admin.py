"""The trail in the admin, read-only: the admin's generic forms must not be a way around the
append-only rule (the database would refuse anyway; this keeps the buttons away)."""

from django.contrib import admin
from django.http import HttpRequest

from docket.audit.models import AuditAlert, AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["seq", "at", "actor_name", "action", "outcome", "document_id", "ip"]
    list_filter = ["action", "outcome"]
    search_fields = ["actor_name", "ip"]
    show_full_result_count = False  # a count(*) over millions of events on every page


@admin.register(AuditAlert)
class AuditAlertAdmin(ReadOnlyAdmin):
    list_display = ["at", "kind", "subject", "message"]
    list_filter = ["kind"]
