"""The message form of a clip's thread (the service checks the parts; the form only reads them)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from conversations.services import MAX_TEXT_CHARS

BACK = (("clip", "clip"), ("review", "review"))


class MessageForm(forms.Form):
    """Its fields' ids start with thread_ (thread_text, thread_at...): the clip and review pages hold other forms."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "thread_%s")
        super().__init__(*args, **kwargs)

    text = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_TEXT_CHARS}),
        error_messages={"required": _("Write a message.")},
        strip=True,
    )
    at = forms.CharField(
        label=_("At a moment of the video (optional, e.g. 0:03)"), required=False, max_length=20, strip=True
    )
    frame = forms.FileField(label=_("Attach an image (PNG, JPEG or WebP)"), required=False)
    captured = forms.BooleanField(label=_("Captured"), required=False, widget=forms.HiddenInput)
    back = forms.ChoiceField(label=_("Back"), choices=BACK, required=False, widget=forms.HiddenInput)
