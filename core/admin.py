"""Admin building blocks (a read-only base) and the audit log's admin, with its CSV export."""

from __future__ import annotations

import csv
import json

from django.contrib import admin
from django.http import StreamingHttpResponse

from core import spreadsheet
from core.models import AuditEvent, OutgoingEmail


class ReadOnlyAdmin(admin.ModelAdmin):
    """An admin that lists and shows rows, and never adds, changes or deletes them (`allow_delete` to delete)."""

    allow_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return self.allow_delete and super().has_delete_permission(request, obj)


@admin.action(description="Export the selected records as CSV", permissions=["view"])
def export_audit_csv(modeladmin, request, queryset):
    """Stream the chosen audit records (all pages, with "select all") as CSV."""

    class Echo:
        def write(self, value):
            return value

    writer = csv.writer(Echo())
    columns = ["at", "actor", "ip", "action", "object_type", "object_id", "detail"]

    def rows():
        yield writer.writerow(columns)  # every cell a user can write goes through spreadsheet.row
        for e in queryset.order_by("at").iterator():
            yield writer.writerow(
                spreadsheet.row(
                    [
                        e.at.isoformat(),
                        e.actor_repr,
                        e.ip or "",
                        e.action,
                        e.object_type,
                        e.object_id,
                        json.dumps(e.detail, sort_keys=True),
                    ]
                )
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor_repr", "ip", "action", "object_type", "object_id")
    list_filter = (
        "action",
        "object_type",
        ("at", admin.DateFieldListFilter),
        ("actor", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("actor_repr", "object_id", "action", "ip")
    date_hierarchy = "at"
    actions = [export_audit_csv]


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(ReadOnlyAdmin):
    """The outbox: what was sent, what waits, what failed and why (bodies are never shown: they hold links)."""

    list_display = ("created_at", "subject", "status", "attempts", "sent_at")
    list_filter = ("status",)
    search_fields = ("subject",)
    fields = ("to", "subject", "status", "attempts", "last_error", "created_at", "updated_at", "sent_at")
    date_hierarchy = "created_at"
