from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals.models import REFUSALS, REVIEW_DECISIONS, PolicyClause
from approvals.services import MAX_REASON_CHARS
from core import clock


def _clause_field(required: bool) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=PolicyClause.objects.filter(active=True),
        to_field_name="code",
        required=required,
        empty_label=_("Choose the policy clause"),
        error_messages={"invalid_choice": gettext_lazy("Choose one of the policy clauses.")},
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=gettext_lazy("Decision"), choices=[(d.value, d.label) for d in REVIEW_DECISIONS])
    clause = _clause_field(required=False)
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        max_length=MAX_REASON_CHARS,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": "Required to reject or request changes: the artist reads it."}
        ),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") in REFUSALS:
            if not data.get("clause") and "clause" not in self.errors:
                self.add_error("clause", _("Choose the policy clause this decision rests on."))
            if not (data.get("reason") or "").strip():
                self.add_error("reason", _("Write a reason: the artist will read it."))
        return data


class RequestPublicationForm(forms.Form):
    publish_at = forms.DateTimeField(
        label=gettext_lazy("Publish at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=gettext_lazy(
            "Optional embargo, in your time zone: once approved, the clip is published at this time."
        ),
    )

    def clean_publish_at(self):
        value = self.cleaned_data.get("publish_at")
        if value is not None and value <= clock.now():
            raise forms.ValidationError(_("The embargo time must be in the future (or left empty)."))
        return value


class AppealForm(forms.Form):
    message = forms.CharField(
        label=gettext_lazy("Message"),
        max_length=MAX_REASON_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Tell the moderators why the decision should change.")},
    )


class TakeDownForm(forms.Form):
    clause = _clause_field(required=True)
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=MAX_REASON_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": gettext_lazy("Write a reason: the artist will read it.")},
    )
