"""One JSON error shape for the whole API: {"detail": message, "errors": {field: [messages]}}."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def _field_errors(data) -> dict:
    if isinstance(data, dict):
        return {key: value if isinstance(value, list) else [value] for key, value in data.items()}
    return {"non_field_errors": data if isinstance(data, list) else [data]}


def exception_handler(exc, context):
    """Turn service ValidationErrors into 400s and give every error the same shape."""
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            exc = exceptions.ValidationError({k: [m for e in v for m in e.messages] for k, v in exc.error_dict.items()})
        else:
            exc = exceptions.ValidationError({"non_field_errors": exc.messages})
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _field_errors(response.data)
        first = next(iter(errors.values()), ["Invalid input."])
        detail = str(first[0]) if first else "Invalid input."
        response.data = {"detail": detail, "errors": errors}
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"detail": str(response.data["detail"])}
    if response.status_code == status.HTTP_404_NOT_FOUND:
        response.data = {"detail": "Not found."}
    return response
