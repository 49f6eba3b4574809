"""The project's named URL routes (namespace:name), for tests that check every page is covered."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver


def named_routes(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from named_routes(entry.url_patterns, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + entry.name
