"""Forms of the artists' pages: they validate shape only; services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from artists.models import FeedbackKind, FeedbackStatus, Use


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    widget = MultipleFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"})

    def clean(self, data, initial=None):
        if not data:
            return []
        items = data if isinstance(data, (list, tuple)) else [data]
        return [super(MultipleImageField, self).clean(item, initial) for item in items]


class FeedbackForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=FeedbackKind.choices)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=120)
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}), max_length=5000, label=gettext_lazy("What happened")
    )
    clip = forms.ChoiceField(required=False, label=gettext_lazy("One of your clips (optional)"))
    images = MultipleImageField(
        required=False,
        label=gettext_lazy("Images (optional)"),
        help_text=gettext_lazy("PNG, JPEG or WebP, up to 4; checked by content, metadata removed."),
    )
    credit = forms.BooleanField(required=False, initial=True, label=gettext_lazy("Credit me by name in the changelog"))

    def __init__(self, *args, clips=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clip"].choices = [("", "No clip")] + [(str(c.id), c.job.prompt[:70]) for c in clips]


class TriageForm(forms.Form):
    """No outcome is chosen in advance (two of them pay the artist): the moderator picks one each time."""

    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[("", gettext_lazy("Choose an outcome"))]
        + [c for c in FeedbackStatus.choices if c[0] != FeedbackStatus.NEW],
        error_messages={
            "required": gettext_lazy(
                "Choose an outcome: Accepted or Fixed pays the artist; Duplicate or Won't fix does not."
            )
        },
    )
    response = forms.CharField(
        label=gettext_lazy("Response"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    duplicate_of = forms.IntegerField(required=False, min_value=1, label=gettext_lazy("Duplicate of item #"))


def triage_form(item_pk: int, data=None) -> TriageForm:
    """The triage form of one item, with ids of its own (a page shows one per item)."""
    return TriageForm(data, auto_id=f"id_triage_{item_pk}_%s")


class ChangelogForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=160)
    body = forms.CharField(
        label=gettext_lazy("Body"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )
    feedback = forms.CharField(max_length=200, label=gettext_lazy("Feedback items (numbers, comma separated)"))

    def clean_feedback(self):
        raw = self.cleaned_data["feedback"].replace(" ", "")
        try:
            return [int(part.lstrip("#")) for part in raw.split(",") if part]
        except ValueError:
            raise forms.ValidationError(_("Write the item numbers separated by commas, e.g. 12, 15.")) from None


class ConsentForm(forms.Form):
    use = forms.ChoiceField(label=gettext_lazy("Use"), choices=Use.choices)
    action = forms.ChoiceField(label=gettext_lazy("Action"), choices=[("grant", "grant"), ("revoke", "revoke")])
    terms_version = forms.IntegerField(label=gettext_lazy("Terms version"), required=False, min_value=1)


class PromoUseForm(forms.Form):
    use = forms.ChoiceField(label=gettext_lazy("Use"), choices=Use.choices)
    purpose = forms.CharField(label=gettext_lazy("Purpose"), max_length=200)


class LedgerDeskForm(forms.Form):
    ACTIONS = [
        ("testing", gettext_lazy("Approved testing hours")),
        ("payout", gettext_lazy("Payout")),
        ("reverse", gettext_lazy("Reverse an entry")),
    ]
    action = forms.ChoiceField(label=gettext_lazy("Action"), choices=ACTIONS)
    artist = forms.CharField(
        label=gettext_lazy("Artist"),
        max_length=150,
        required=False,
        help_text=gettext_lazy("Username (hours and payouts)."),
    )
    quantity = forms.DecimalField(
        required=False, max_digits=10, decimal_places=2, label=gettext_lazy("Hours or amount")
    )
    entry = forms.IntegerField(required=False, min_value=1, label=gettext_lazy("Entry # to reverse"))
    memo = forms.CharField(max_length=200, required=False, label=gettext_lazy("Memo or reason"))


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label=gettext_lazy("Display name"),
        max_length=80,
        required=False,
        help_text=gettext_lazy("Your credit on published clips."),
    )
    bio = forms.CharField(
        label=gettext_lazy("Bio"), widget=forms.Textarea(attrs={"rows": 5}), max_length=2000, required=False
    )
    links = forms.CharField(
        label=gettext_lazy("Links"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
        help_text=gettext_lazy("One http(s) link per line, up to 5."),
    )


class DeleteAccountForm(forms.Form):
    password = forms.CharField(widget=forms.PasswordInput, label=gettext_lazy("Your password"))
    confirm = forms.BooleanField(
        label=gettext_lazy("I understand: my published clips are withdrawn and my personal data erased.")
    )
