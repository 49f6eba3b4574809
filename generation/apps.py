from django.apps import AppConfig


class GenerationConfig(AppConfig):
    name = "generation"
    verbose_name = "Rendering"
    role_permissions = {
        "artist": ["generation.submit_render"],
        "admin": [
            "generation.submit_render",
            "generation.view_presetconfig",
            "generation.add_presetconfig",
            "generation.change_presetconfig",
            "generation.view_renderworker",  # the render farm in the admin (read only)
        ],
    }
