from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProvenanceConfig(AppConfig):
    name = "provenance"
    verbose_name = _("Provenance")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from provenance import signals  # noqa: F401  (a marked copy's file goes with its row)
        from provenance.prerelease import mark_settings

        mark_settings()  # a bad PROVENANCE_PRERELEASE_MARK stops start-up, naming what is wrong
