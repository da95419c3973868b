from django.contrib import admin

from docket.customers.models import Contact, Customer


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "tier", "region", "status", "owner"]
    list_filter = ["kind", "tier", "status", "region"]
    search_fields = ["name", "code"]
    inlines = [ContactInline]
    readonly_fields = ["merged_into", "created_at", "updated_at"]
