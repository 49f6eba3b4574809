from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from generation.jobs.iterate import MAX_VARIATIONS
from generation.jobs.submit import MAX_PROMPT_CHARS, MAX_SEED
from generation.runtime.presets import MAX_DURATION_S, MIN_DURATION_S, RESOLUTIONS

RESOLUTION_CHOICES = [(f"{w}x{h}", f"{w} × {h}") for w, h in RESOLUTIONS]


class PresetSelect(forms.Select):
    """The model choice; a preset no render worker can load now is shown, marked so, and cannot be picked."""

    unavailable: set[str] = set()

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value in self.unavailable:
            option["attrs"]["disabled"] = True
        return option


class ClipFrameSelect(forms.Select):
    """The artist's clips to take a first frame from; each option carries its video's URL and duration, for
    the studio's preview of the frame (static/js/crop-preview.js)."""

    sources: dict[str, tuple[str, float]] = {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        source = self.sources.get(str(value))
        if source:
            option["attrs"]["data-src"], option["attrs"]["data-duration"] = source[0], f"{source[1]:.2f}"
        return option


#: How many of the artist's newest clips the first-frame picker lists.
FRAME_CLIPS = 50


class RenderForm(forms.Form):
    prompt = forms.CharField(
        label=_("Prompt"),
        max_length=MAX_PROMPT_CHARS,
        widget=forms.Textarea(
            attrs={"rows": 4, "placeholder": _("A paper boat drifting down a rain-soaked street at dusk")}
        ),
        error_messages={"required": _("Write a prompt: it cannot be empty.")},
    )
    negative_prompt = forms.CharField(
        label=_("Negative prompt"),
        max_length=MAX_PROMPT_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("What to avoid (optional)")}),
    )
    duration_s = forms.IntegerField(
        label=_("Duration (seconds)"),
        min_value=MIN_DURATION_S,
        max_value=MAX_DURATION_S,
        initial=2,
        error_messages={"invalid": _("Duration must be a whole number of seconds.")},
    )
    resolution = forms.ChoiceField(label=_("Resolution"), choices=RESOLUTION_CHOICES, initial="512x512")
    seed = forms.IntegerField(
        label=_("Seed"),
        required=False,
        min_value=0,
        max_value=MAX_SEED,
        help_text=_("Leave empty for a random seed; the seed used is always shown."),
        error_messages={"invalid": _("Seed must be a whole number.")},
    )

    preset = forms.ChoiceField(label=_("Model"), choices=[], required=False, widget=PresetSelect)
    variations = forms.TypedChoiceField(
        label=_("Variations"),
        choices=[(n, str(n)) for n in range(1, MAX_VARIATIONS + 1)],
        coerce=int,
        initial=1,
        required=False,
        empty_value=1,
        help_text=_("Renders of the same settings with different seeds (a given seed is the first), side by side."),
        error_messages={"invalid_choice": _("Variations must be a whole number from 1 to 4.")},
    )
    image = forms.FileField(
        label=_("First frame (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
        help_text=_(
            "Image-to-video: a PNG, JPEG or WebP the clip starts from, centre-cropped and scaled to the render size."
        ),
    )
    from_clip = forms.UUIDField(
        label=_("Or a frame of one of your clips"),
        required=False,
        error_messages={"invalid": _("The clip to take a frame from must be given by its id.")},
    )
    from_time_s = forms.FloatField(
        label=_("At (seconds)"),
        required=False,
        min_value=0,
        error_messages={"invalid": _("The time must be a number of seconds.")},
    )
    keep_image = forms.BooleanField(label=_("Keep the first frame of the render I remix"), required=False, initial=True)
    parent = forms.UUIDField(
        label=_("Parent"),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": _("The render to start from must be given by its id.")},
    )

    def __init__(self, *args, artist=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from generation.presets import presets_enabled

        if artist is not None:
            self._offer_clip_frames(artist)

        choices = presets_enabled()
        unavailable = _("%(label)s (unavailable: no render worker can load it now)")
        self.fields["preset"].choices = [
            (c.key, c.preset.label if c.available else unavailable % {"label": c.preset.label}) for c in choices
        ]
        self.fields["preset"].widget.unavailable = {c.key for c in choices if not c.available}

    def _offer_clip_frames(self, artist) -> None:
        """The clip id becomes a choice among the artist's newest clips (any id is still accepted, and checked
        by the service: another artist's clip is refused there)."""
        from django.utils.formats import date_format
        from django.utils.text import Truncator
        from django.utils.timezone import localtime

        from generation.models import Clip

        clips = list(Clip.objects.filter(artist=artist).select_related("job").order_by("-created_at")[:FRAME_CLIPS])
        widget = ClipFrameSelect()
        widget.sources = {str(c.id): (c.video_src, c.duration_s) for c in clips}
        widget.choices = [("", _("None"))] + [
            (
                str(c.id),
                f"{Truncator(c.job.prompt).chars(50)} "
                f"({date_format(localtime(c.created_at), 'SHORT_DATETIME_FORMAT')}, {c.duration_s:g} s)",
            )
            for c in clips
        ]
        self.fields["from_clip"].widget = widget
        self.fields["from_clip"].help_text = _("The preview below shows the frame at the time you give, with the crop.")

    def cleaned_size(self) -> tuple[int, int]:
        width, height = self.cleaned_data["resolution"].split("x")
        return int(width), int(height)


LIBRARY_SORTS = {
    "newest": ("-created_at", "-id"),
    "oldest": ("created_at", "id"),
    "longest": ("-duration_s", "-created_at", "-id"),
    "shortest": ("duration_s", "-created_at", "-id"),
}


class LibraryFilterForm(forms.Form):
    """The studio library's filters (GET): status, publication state, preset, prompt text, order."""

    q = forms.CharField(label=_("Search prompts"), required=False, max_length=200)
    status = forms.ChoiceField(label=_("Status"), required=False)
    publication = forms.RegexField(
        label=_("Publication"),
        required=False,
        regex=r"^[a-z_]{1,24}$",
        error_messages={"invalid": _("Publication must be one of the states listed.")},
    )
    preset = forms.CharField(label=_("Model"), required=False, max_length=32)
    sort = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[
            ("newest", _("Newest first")),
            ("oldest", _("Oldest first")),
            ("longest", _("Longest first")),
            ("shortest", _("Shortest first")),
        ],
        error_messages={"invalid_choice": _("Order must be newest, oldest, longest or shortest.")},
    )

    def __init__(self, *args, publications=(), presets=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from generation.jobs.states import JobStatus

        self.fields["status"].choices = [("", _("Any status")), *JobStatus.choices]
        self.fields["status"].error_messages["invalid_choice"] = _("Status must be one of the states listed.")
        self.presets = list(presets)
        wanted = self.data.get("publication", "") if self.is_bound else ""
        #: The publication filter's options: (state, selected).
        self.publication_options = [(state, state == wanted) for state in publications]
