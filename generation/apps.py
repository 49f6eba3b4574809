from django.apps import AppConfig
from django.core.signals import setting_changed


def _preset_files_changed(*, setting: str, value, **kwargs) -> None:
    """The registry follows RENDER_PRESETS_FILES when it changes while the process runs (tests override it)."""
    if setting == "RENDER_PRESETS_FILES":
        from generation.runtime.preset_file import SHIPPED_FILE
        from generation.runtime.presets import use_preset_files

        use_preset_files(value or [SHIPPED_FILE])


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

    def ready(self) -> None:
        setting_changed.connect(_preset_files_changed, dispatch_uid="generation.preset_files")
