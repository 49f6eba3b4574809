from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = "Approvals"
    role_permissions = {
        "moderator": ["approvals.review_clip"],
        "admin": ["approvals.review_clip"],
    }
