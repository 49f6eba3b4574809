from django.contrib import admin

from approvals.models import Review


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("clip", "requested_at", "decided_at", "moderator", "decision")
    list_filter = ("decision",)
    readonly_fields = [f.name for f in Review._meta.fields]

    def has_add_permission(self, request):
        return False
