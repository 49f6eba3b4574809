from django.apps import AppConfig


class ArtistsConfig(AppConfig):
    name = "artists"
    verbose_name = "Artists"
    role_permissions = {
        "admin": [
            "artists.add_ledgerrate",
            "artists.change_ledgerrate",
            "artists.view_ledgerrate",
            "artists.view_ledgerentry",
            "artists.add_consentterms",
            "artists.view_consentterms",
            "artists.view_clipconsent",
            "artists.view_promouse",
            "artists.view_feedback",
            "artists.view_changelogentry",
            "artists.view_export",
        ],
    }
