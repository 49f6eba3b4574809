from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from webhooks.events import Event
from webhooks.targets import MAX_URL_CHARS


class EndpointForm(forms.Form):
    url = forms.CharField(
        label=_("URL"),
        max_length=MAX_URL_CHARS,
        help_text=_("An https:// address that answers a POST with a 2xx status."),
        widget=forms.URLInput(attrs={"placeholder": "https://example.org/hooks/vernissage", "autocomplete": "off"}),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=Event.choices, widget=forms.CheckboxSelectMultiple, required=True
    )
    site_wide = forms.BooleanField(label=_("Site-wide integration: receive every artist's events"), required=False)

    def __init__(self, *args, may_be_site_wide: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not may_be_site_wide:
            del self.fields["site_wide"]
