from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from portal.models import ApiToken, ArtistQuota, AuditEvent, Invitation, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (("Credit", {"fields": ("display_name",)}),)
    list_display = ("username", "email", "display_name", "is_active", "is_staff")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "role", "invited_by", "created_at", "expires_at", "accepted_at")
    readonly_fields = ("token_hash",)
    search_fields = ("email",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "user", "name", "scopes", "created_at", "expires_at", "revoked_at", "suspended_at",
                    "last_used_at", "last_used_ip")
    list_filter = ("suspended_at", "revoked_at")
    readonly_fields = ("token_hash", "prefix", "last_used_at", "last_used_ip", "last_used_client", "suspended_at",
                       "suspended_reason")
    search_fields = ("prefix", "user__username")

    def has_add_permission(self, request):
        return False  # tokens are created by their owner, shown once


@admin.register(ArtistQuota)
class ArtistQuotaAdmin(admin.ModelAdmin):
    """Per-artist overrides of QUOTA_CONCURRENT_JOBS / QUOTA_SECONDS_PER_DAY, and the priority lane."""

    list_display = ("user", "concurrent_jobs", "seconds_per_day", "priority", "priority_until", "note", "updated_at")
    list_filter = ("priority",)
    list_editable = ("concurrent_jobs", "seconds_per_day", "priority")
    search_fields = ("user__username",)
    autocomplete_fields = ("user",)


@admin.action(description="Export the selected records as CSV", permissions=["view"])
def export_audit_csv(modeladmin, request, queryset):
    """Stream the chosen audit records (all pages, with "select all") as CSV."""
    import csv
    import json

    from django.http import StreamingHttpResponse

    class Echo:
        def write(self, value):
            return value

    writer = csv.writer(Echo())
    columns = ["at", "actor", "ip", "action", "object_type", "object_id", "detail"]

    def rows():
        yield writer.writerow(columns)
        for e in queryset.order_by("at").iterator():
            yield writer.writerow([e.at.isoformat(), e.actor_repr, e.ip or "", e.action, e.object_type,
                                   e.object_id, json.dumps(e.detail, sort_keys=True)])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_repr", "ip", "action", "object_type", "object_id")
    list_filter = ("action", "object_type", ("at", admin.DateFieldListFilter), ("actor", admin.RelatedOnlyFieldListFilter))
    search_fields = ("actor_repr", "object_id", "action", "ip")
    date_hierarchy = "at"
    actions = [export_audit_csv]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
