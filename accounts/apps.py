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
        "admin": ["accounts.invite_users"],
    }

    def ready(self) -> None:
        from accounts import signals

        post_migrate.connect(signals.ensure_roles_after_migrate, dispatch_uid="accounts.roles")
