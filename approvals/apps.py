from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = "Approvals"
    role_permissions = {
        "moderator": ["approvals.review_clip"],
        "admin": ["approvals.review_clip"],
    }

    def ready(self) -> None:
        from approvals.signals import clip_left_publication
        from generation.media import media_purge_on_leave

        # A clip that leaves publication: its media's purge hooks run (a CDN in front of S3).
        clip_left_publication.connect(media_purge_on_leave, dispatch_uid="generation.media_purge_on_leave")
