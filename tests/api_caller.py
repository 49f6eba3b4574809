"""The API scenario's caller: each call made through schemathesis, its answer validated against the documented
response schema, and what it answered kept in order (tests/api_scenario.py walks every operation with it)."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]
HEADERS = ("X-Quota-Jobs-Remaining", "X-Quota-Seconds-Remaining", "X-Quota-Reset", "Retry-After")


class Caller:
    """Calls API v1 through schemathesis, validating every answer; remembers which operations answered 2xx."""

    def __init__(self, schema, *, validate: bool = True) -> None:
        self.schema = schema
        self.validate = validate
        self.templates = []
        for path, methods in schema.raw_schema["paths"].items():
            pattern = re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path) + "$")
            self.templates.append((path, pattern, {m.upper() for m in methods}))
        self.templates.sort(key=lambda t: t[0].count("{"))  # /contests/entries before /contests/{slug}
        self.answered: set[tuple[str, str]] = set()
        self.log: list[dict] = []

    def __call__(self, label, token, method, url, body=None, *, expect=None, media_type="application/json"):
        parts = urlsplit(url)
        for path, pattern, methods in self.templates:  # noqa: B007  (path is used after the break)
            match = pattern.match(parts.path)
            if match and method in methods:
                break
        else:
            raise AssertionError(f"{method} {url}: no such operation in the schema")
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        kwargs = {"path_parameters": match.groupdict(), "headers": headers}
        if parts.query:
            kwargs["query"] = dict(parse_qsl(parts.query))
        if body is not None:
            kwargs["body"] = body
            kwargs["media_type"] = media_type
        case = self.schema[path][method].Case(**kwargs)
        response = case.call()
        if self.validate:
            case.validate_response(response, checks=CHECKS)
        if expect is not None:
            assert response.status_code == expect, (label, response.status_code, response.text)
        if 200 <= response.status_code < 300:
            self.answered.add((method, path))
        self.log.append(
            {
                "label": label,
                "method": method,
                "path": path,
                "status": response.status_code,
                "headers": {
                    h: response.headers.get(h.lower(), [None])[0] for h in HEADERS if h.lower() in response.headers
                },
                "body": _body(response),
            }
        )
        return _body(response)


def _body(response):
    """JSON answers decoded; a CSV or a ZIP as its bytes."""
    if response.headers.get("content-type", [""])[0].startswith("application/json"):
        return response.json()
    return response.content


def _png_base64() -> str:
    import base64

    from tests.artists.conftest import png_bytes

    return base64.b64encode(png_bytes()).decode()
