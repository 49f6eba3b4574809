"""One JSON error shape for the whole API: {"detail": message, "code": word, "errors": {field: [messages]}}.

`errors` is present only for invalid input (400). Quota and queue refusals are 429 with
`Retry-After` and `X-Quota-*` headers; throttled requests (core.api.throttles) are 429 `throttled` with
`Retry-After`. Someone else's object is a plain 404, like a missing one.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import RetryLater


def _field_errors(data) -> dict:
    if isinstance(data, dict):
        return {
            str(key): [str(v) for v in value] if isinstance(value, list) else [str(value)]
            for key, value in data.items()
        }
    return {"non_field_errors": [str(v) for v in data] if isinstance(data, list) else [str(data)]}


def _code(exc) -> str:
    codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else None
    if isinstance(codes, str):
        return codes
    return getattr(exc, "default_code", "error")


def exception_handler(exc, context):
    """Turn service errors into 4xx answers and give every error the same shape."""
    if isinstance(exc, RetryLater):
        response = Response({"detail": exc.message, "code": exc.code}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        for name, value in exc.headers.items():
            response[name] = value
        return response
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            exc = exceptions.ValidationError({k: [m for e in v for m in e.messages] for k, v in exc.error_dict.items()})
        else:
            exc = exceptions.ValidationError({"non_field_errors": exc.messages})
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.Throttled):
        wait = max(1, int(exc.wait or 1))
        response["Retry-After"] = str(wait)
        response.data = {
            "detail": _("Too many requests: try again in %(wait)d seconds.") % {"wait": wait},
            "code": "throttled",
        }
    elif isinstance(exc, exceptions.ValidationError):
        errors = _field_errors(response.data)
        first = next(iter(errors.values()), [_("Invalid input.")])
        response.data = {"detail": str(first[0]) if first else _("Invalid input."), "code": "invalid", "errors": errors}
    elif response.status_code == status.HTTP_404_NOT_FOUND or isinstance(exc, Http404):
        response.data = {"detail": _("Not found."), "code": "not_found"}
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
        code = "permission_denied" if isinstance(exc, DjangoPermissionDenied) else _code(exc)
        response.data = {"detail": str(detail), "code": str(code)}
    return response


_GENERIC = {
    400: (gettext_lazy("Bad request."), "bad_request"),
    403: (gettext_lazy("Forbidden."), "permission_denied"),
    404: (gettext_lazy("Not found."), "not_found"),
    405: (gettext_lazy("Method not allowed."), "method_not_allowed"),
    413: (gettext_lazy("Request too large."), "too_large"),
    429: (gettext_lazy("Too many requests."), "throttled"),
    500: (gettext_lazy("Server error."), "server_error"),
}


class ApiJsonErrorsMiddleware:
    """Under /api/, errors Django answers itself (no such URL, a path that does not parse, a
    server error page) get the API's JSON shape instead of an HTML page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            from django.http import JsonResponse

            detail, code = _GENERIC.get(response.status_code, (gettext_lazy("Request failed."), "error"))
            replaced = JsonResponse({"detail": str(detail), "code": code}, status=response.status_code)
            for header in ("Retry-After", "Allow", "WWW-Authenticate"):
                if header in response:
                    replaced[header] = response[header]
            return replaced
        return response
