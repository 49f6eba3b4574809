"""Putting a service's refusal on the form that asked for it."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError


def form_add_service_errors(form: forms.Form, exc: ValidationError, *, fields: Mapping[str, str] | None = None) -> None:
    """Add `exc`'s messages to `form`: by field where it names one the form has (`fields` maps a service's
    field name to the form's), the rest as non-field errors."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for name, errors in exc.message_dict.items():
        target = (fields or {}).get(name, name)
        form.add_error(target if target in form.fields else None, errors)
