from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import ApiToken, Invitation, User
from accounts.services.second_factor import second_factor_reset
from core.admin_audit import AuditedAdminMixin


@admin.register(User)
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
    """Accounts; a change of what an account may do (groups, permissions, staff, superuser, active) is
    audited as `user.roles_changed` with the values before and after."""

    fieldsets = BaseUserAdmin.fieldsets + (("Credit", {"fields": ("display_name",)}),)
    list_display = ("username", "email", "display_name", "is_active", "is_staff")
    audit_action = "user.roles_changed"
    audited_fields = ("groups", "user_permissions", "is_staff", "is_superuser", "is_active")
    actions = ["reset_second_factor"]

    @admin.action(description=_("Reset the second factor (lost phone): set up again at the next sign-in"))
    def reset_second_factor(self, request, queryset):
        for user in queryset:
            second_factor_reset(user=user, actor=request.user, request=request)
        count = len(queryset)
        self.message_user(
            request,
            ngettext(
                "The second factor of %(count)d account was removed.",
                "The second factor of %(count)d accounts was removed.",
                count,
            )
            % {"count": count},
        )


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(AuditedAdminMixin, BaseGroupAdmin):
    """The role groups; a change of a role's permissions is audited as `group.permissions_changed`
    (accounts.services.roles puts the declared permissions back after every migration)."""

    audit_action = "group.permissions_changed"
    audited_fields = ("name", "permissions")


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
