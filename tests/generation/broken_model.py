"""A custom model whose module cannot be imported on the worker (a dependency it needs is missing)."""

import vernissage_missing_dependency  # noqa: F401  (not installed anywhere: importing this module fails)


def render(request):
    yield from ()
