"""Where to send someone after a form: the `next` they carried, only when it is a page of this site."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def next_url(request: HttpRequest, fallback: str, *args: object) -> str:
    """`next` from the POST or the query string when it stays on this host (and on HTTPS when the request
    is), else `fallback` (a URL name, resolved with `args`, or a path). Refuses other hosts, scheme-relative
    `//host`, backslash tricks and `javascript:` URLs: the open redirect that phishing links use."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(fallback, *args)
