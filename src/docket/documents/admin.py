"""Admin views. Documents are read-only here: every write goes through the services (and,
later, the audit trail), which the admin's generic forms would bypass."""

from django.contrib import admin
from django.http import HttpRequest

from docket.documents.models import Document, DocumentType, Tag, Version


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "number_pattern", "naming_template"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "color"]


class VersionInline(admin.TabularInline):
    model = Version
    extra = 0
    fields = ["number", "original_name", "mime_type", "size", "sha256", "author", "created_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = [
        "archive_number",
        "title",
        "customer",
        "document_type",
        "document_date",
        "status",
    ]
    list_filter = ["document_type", "status"]
    search_fields = ["archive_number", "title", "customer__name"]
    inlines = [VersionInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
