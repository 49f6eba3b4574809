"""Irreversible page actions ask first. The form says what will happen (`data-confirm`, shown in the modal
dialog of static/js/confirm.js); its POST must carry `confirm`, which the dialog's confirm button adds or,
without JavaScript, the form's "I understand" checkbox (templates/core/_confirm_field.html). A POST without
it changes nothing: the view shows why and sends the user back. API clients are explicit and need no field.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest

CONFIRM_FIELD = "confirm"
_YES = {"1", "yes", "on", "true"}


def confirmed(request: HttpRequest) -> bool:
    """True when the POST says the user confirmed the action (the dialog's button or the checkbox)."""
    return request.POST.get(CONFIRM_FIELD, "").strip().lower() in _YES


def require_confirmed(request: HttpRequest, refusal: str) -> bool:
    """True when the POST is confirmed; else False, with `refusal` (what was not done, and why) shown."""
    if confirmed(request):
        return True
    messages.error(request, refusal)
    return False
