from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class TraceForm(forms.Form):
    """A leaked video to trace: an uploaded file, or the address of a clip or its media on this site."""

    file = forms.FileField(label=_("Video file"), required=False)
    url = forms.CharField(label=_("Or the address of a clip on this site"), required=False, max_length=500)

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is not None and upload.size > settings.PROVENANCE_TRACE_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB; upload a few seconds of it."),
                params={"mb": settings.PROVENANCE_TRACE_MAX_BYTES // (1024 * 1024)},
            )
        return upload

    def clean(self):
        data = super().clean()
        if bool(data.get("file")) == bool((data.get("url") or "").strip()):
            raise forms.ValidationError(_("Upload a video, or give the address of a clip: one of the two."))
        return data
