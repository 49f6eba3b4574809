"""Conditional GET for answers that clients poll: an ETag of the body, and 304 Not Modified (no body)
when the client's `If-None-Match` names it.

The ETag is computed from the rendered body, so it changes exactly when the answer does (a render's
progress, its queue position, a new clip in a list) and cannot go stale. Answers that depend on who asks are
`private, no-cache` and vary on `Authorization` and `Cookie`: a shared cache never hands one account's
answer to another, and every use is revalidated.
"""

from __future__ import annotations

from functools import partial, wraps

from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers, set_response_etag

_VARY = ("Authorization", "Cookie")


def _etag_then_compare(request: HttpRequest, response: HttpResponse) -> HttpResponse | None:
    """Post-render: tag the body, and answer 304 instead when the request already holds that tag."""
    if response.streaming or response.status_code != 200:
        return None
    set_response_etag(response)
    conditional = get_conditional_response(request, etag=response.headers["ETag"], response=response)
    return None if conditional is response else conditional


def _mark(request: HttpRequest, response: HttpResponse, *, private: bool) -> HttpResponse:
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    patch_cache_control(response, no_cache=True, **({"private": True} if private else {}))
    patch_vary_headers(response, _VARY)
    if hasattr(response, "add_post_render_callback") and not getattr(response, "is_rendered", True):
        response.add_post_render_callback(partial(_etag_then_compare, request))
        return response
    return _etag_then_compare(request, response) or response


class ConditionalGetMixin:
    """For DRF views: 200 answers to GET/HEAD carry an ETag; a matching If-None-Match gets 304.
    `conditional_private = False` for an answer that is the same for everyone (the gallery)."""

    conditional_private = True

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        return _mark(request._request, response, private=self.conditional_private)


def conditional_get(view):
    """The same for a plain Django view (the studio's status poll)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return _mark(request, view(request, *args, **kwargs), private=True)

    return wrapped
