"""OpenAPI schema hook: the one error shape and every error status, documented on every operation."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as _AutoSchema

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, in a sentence."},
        "code": {"type": "string", "description": "A stable word: token_expired, quota_daily, not_found, …"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "Invalid input only: messages per field.",
        },
    },
    "required": ["detail", "code"],
}
_ERRORS = {
    "400": "Invalid input or a refused transition.",
    "401": "No, malformed, unknown, expired, revoked or suspended token.",
    "403": "The token lacks a scope, or the account's role may not do this.",
    "404": "No such object, or not yours.",
    "405": "Method not allowed.",
    "406": "Not acceptable.",
    "413": "The body is larger than this route accepts.",
    "415": "Send JSON.",
    "429": "Too many requests (throttled; see `Retry-After`).",
}
_QUOTA_HEADERS = {
    "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait before trying again."},
    "X-Quota-Jobs-Remaining": {"schema": {"type": "string"}},
    "X-Quota-Seconds-Remaining": {"schema": {"type": "string"}},
    "X-Quota-Reset": {"schema": {"type": "string"}, "description": "When the daily quota resets (ISO 8601)."},
}


def add_error_responses(result, generator, request, public):
    """Postprocessing hook: document the error shape and every error status on every operation."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for code, text in _ERRORS.items():
                responses.setdefault(code, {"description": text, "content": {"application/json": {"schema": ref}}})
            responses["429"].setdefault("headers", {"Retry-After": _QUOTA_HEADERS["Retry-After"]})
            if method == "post" and path.rstrip("/").endswith("/renders"):
                responses["429"] = {
                    "description": "Over the artist's quota, or the queue's wait is past the horizon.",
                    "headers": _QUOTA_HEADERS,
                    "content": {"application/json": {"schema": ref}},
                }
    return result


class AutoSchema(_AutoSchema):
    """Component names for the API's serializer convention.

    A view's nested `InputSerializer`/`OutputSerializer` is named after its view (`RenderCreateApi.InputSerializer`
    → `RenderCreate`, `RenderCreateRequest` as a request body); an app's shared `ClipOutputSerializer` → `Clip`.
    """

    def get_serializer_name(self, serializer, direction):
        cls = serializer.__class__
        outer, _, inner = cls.__qualname__.rpartition(".")
        for suffix in ("InputSerializer", "OutputSerializer"):
            if outer and inner.endswith(suffix):  # ContestEntryListCreateApi.ListOutputSerializer → …ListCreateList
                return outer.rsplit(".", 1)[-1].removesuffix("Api") + inner.removesuffix(suffix)
        for suffix in ("OutputSerializer", "InputSerializer"):
            if cls.__name__.endswith(suffix) and cls.__name__ != suffix:
                return cls.__name__.removesuffix(suffix)
        return super().get_serializer_name(serializer, direction)
