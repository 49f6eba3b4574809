from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    """Users, roles, invitations and personal API tokens.

    Each app says what its roles may do in its own AppConfig (`role_permissions`: role ->
    "app_label.codename" list); accounts collects them into groups after every migration.
    """

    name = "accounts"
    verbose_name = "Accounts"
    role_permissions = {
        "moderator": ["accounts.invite_users"],
        "admin": [
            "accounts.invite_users",
            # Lift a login lockout (django-axes: delete the attempt) and remove a lost authenticator.
            "axes.view_accessattempt",
            "axes.delete_accessattempt",
            "otp_totp.view_totpdevice",
            "otp_totp.delete_totpdevice",
            "otp_static.view_staticdevice",
            "otp_static.delete_staticdevice",
        ],
    }

    def ready(self) -> None:
        from django.contrib import admin

        from accounts import signals
        from accounts.admin_site import SecondFactorAdminSite

        # The documented django-otp way to put the default admin site behind the second factor.
        admin.site.__class__ = SecondFactorAdminSite

        post_migrate.connect(signals.ensure_roles_after_migrate, dispatch_uid="accounts.roles")
