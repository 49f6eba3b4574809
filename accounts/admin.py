from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import ApiToken, Invitation, User


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
    list_display = (
        "prefix",
        "user",
        "name",
        "scopes",
        "created_at",
        "expires_at",
        "revoked_at",
        "suspended_at",
        "last_used_at",
        "last_used_ip",
    )
    list_filter = ("suspended_at", "revoked_at")
    readonly_fields = (
        "token_hash",
        "prefix",
        "last_used_at",
        "last_used_ip",
        "last_used_client",
        "suspended_at",
        "suspended_reason",
    )
    search_fields = ("prefix", "user__username")

    def has_add_permission(self, request):
        return False  # tokens are created by their owner, shown once
