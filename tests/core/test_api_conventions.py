"""DESIGN.md rule 9, checked: every API v1 view is an `<Entity><Action>Api` with `@extend_schema` beside each
HTTP method, its scope declared on the class and an output serializer; every operation's 2xx answer is
described by a schema (no bare `object`); a file answer (the ledger's CSV, an export's ZIP, a feedback image, a
round's video) is documented with its own media type and `OutputSerializer = None`."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

SCHEMA_VIEWS = {"api_schema", "api_docs", "api_redoc"}  # drf-spectacular's own views
HTTP_METHODS = ("get", "post", "put", "patch", "delete")
#: The non-JSON answers the API gives: files, documented as strings of their media type.
FILE_TYPES = {
    "text/csv": {"type": "string"},
    **{
        kind: {"type": "string", "format": "binary"}
        for kind in ("application/zip", "image/png", "image/jpeg", "image/webp", "video/mp4")
    },
}


def _api_views():
    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and route.startswith("api/v1/") and pattern.name not in SCHEMA_VIEWS:
                yield route, pattern.callback.cls

    return list(walk(get_resolver().url_patterns, ""))


def test_api_routes_found():
    assert len(_api_views()) >= 20


@pytest.mark.parametrize(("route", "view"), _api_views(), ids=lambda v: v if isinstance(v, str) else v.__name__)
def test_view_follows_the_convention(route, view):
    assert view.__name__.endswith("Api") and view.__name__ != "Api", (
        f"{route}: {view.__name__} is not <Entity><Action>Api"
    )
    assert "required_scopes" in vars(view), f"{view.__name__}: declare required_scopes on the class (None: none)"
    assert hasattr(view, "OutputSerializer"), f"{view.__name__}: no OutputSerializer"
    handlers = [name for name in HTTP_METHODS if name in vars(view)]
    assert handlers, f"{view.__name__} handles no HTTP method itself"
    for name in handlers:
        assert "schema" in getattr(getattr(view, name), "kwargs", {}), f"{view.__name__}.{name} lacks @extend_schema"
    scopes = view.required_scopes
    if isinstance(scopes, dict):
        assert set(scopes) <= {name.upper() for name in handlers}, f"{view.__name__}: scopes for methods it lacks"


def _schema() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def _is_described(schema: dict, components: dict) -> bool:
    """A $ref to a component with properties, or an array of such; never a bare object."""
    if schema.get("type") == "array":
        return _is_described(schema.get("items", {}), components)
    ref = schema.get("$ref", "")
    if not ref.startswith("#/components/schemas/"):
        return False
    target = components[ref.rsplit("/", 1)[-1]]
    return bool(target.get("properties")) and target.get("additionalProperties") in (None, False)


def test_every_operation_describes_its_answer():
    schema = _schema()
    components = schema["components"]["schemas"]
    operations = [
        (path, method, op)
        for path, methods in schema["paths"].items()
        for method, op in methods.items()
        if method in HTTP_METHODS
    ]
    assert len(operations) >= 25
    for path, method, op in operations:
        success = {code: r for code, r in op["responses"].items() if code.startswith("2")}
        assert success, f"{method.upper()} {path}: no 2xx response"
        for code, response in success.items():
            content = response.get("content", {})
            if set(content) and set(content) <= set(FILE_TYPES):
                for media_type, described in content.items():
                    assert described.get("schema") == FILE_TYPES[media_type], f"{method.upper()} {path} {code}"
                continue
            body = content.get("application/json", {}).get("schema")
            assert body and _is_described(body, components), f"{method.upper()} {path} {code}: {body}"
