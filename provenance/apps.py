from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProvenanceConfig(AppConfig):
    name = "provenance"
    verbose_name = _("Provenance")
    default_auto_field = "django.db.models.BigAutoField"
