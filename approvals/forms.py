from __future__ import annotations

from django import forms

from approvals.models import Decision
from approvals.services import MAX_REASON_CHARS


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=Decision.choices)
    reason = forms.CharField(
        required=False, max_length=MAX_REASON_CHARS,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Required when rejecting: the artist will read it."}),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == Decision.REJECT and not (data.get("reason") or "").strip():
            self.add_error("reason", "Give the artist a reason when rejecting.")
        return data
