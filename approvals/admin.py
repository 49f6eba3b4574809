from django.contrib import admin

from approvals.models import Notification, PolicyClause, Review
from core.admin import ReadOnlyAdmin


@admin.register(PolicyClause)
class PolicyClauseAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "action", "active", "position")
    list_filter = ("action", "active")
    list_editable = ("active", "position")
    search_fields = ("code", "title", "text", "terms", "patterns")


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ("clip", "requested_at", "decided_at", "moderator", "decision", "clause", "is_appeal")
    list_filter = ("decision", "is_appeal", "clause")
    readonly_fields = [f.name for f in Review._meta.fields]  # decisions are made on the review page


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("user", "message", "created_at", "read_at")
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False
