"""The client's address, the one way: `X-Forwarded-For` counts only through proxies this site trusts.

`settings.TRUSTED_PROXIES` (VERNISSAGE_TRUSTED_PROXIES) is either a count or a list of networks:

- `0` (the default without DJANGO_BEHIND_PROXY): the peer's address (REMOTE_ADDR); X-Forwarded-For is ignored.
- a count N: N proxies stand in front of the site, the last of them is the peer; the client is the address
  the outermost of them saw, the N-th from the right of `X-Forwarded-For + [REMOTE_ADDR]`.
- networks (`10.0.0.0/8,127.0.0.1`): walking from the peer leftwards through X-Forwarded-For, every address
  inside one of them is a proxy; the first one outside is the client. A peer outside them is the client.

Whatever a client writes into X-Forwarded-For itself lies left of what the trusted proxies appended, so it
is never believed. Leak detection, the audit log, the API throttles and django-axes all ask here.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any

from django.conf import settings

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_address(value: str | None) -> str | None:
    """`value` as a normalised IP address (a port or IPv6 brackets stripped), or None if it is not one."""
    if not value:
        return None
    text = value.strip()
    if text.startswith("["):  # [2001:db8::1]:443
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:  # 203.0.113.9:5678
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return str(address.ipv4_mapped)
    return str(address)


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def _trusted() -> int | tuple[IPNetwork, ...]:
    value: Any = getattr(settings, "TRUSTED_PROXIES", 0)
    if isinstance(value, int):
        return max(0, value)
    return _networks(tuple(value))


def _chain(request: Any) -> list[str | None]:
    """X-Forwarded-For's addresses, left to right, then the peer's (unparseable entries are None)."""
    meta = request.META
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    hops = [parse_address(part) for part in forwarded.split(",")] if forwarded.strip() else []
    return [*hops, parse_address(meta.get("REMOTE_ADDR"))]


def client_ip(request: Any) -> str | None:
    """The client's address, believing X-Forwarded-For only as far as the trusted proxies go; None if unknown."""
    if request is None or not hasattr(request, "META"):
        return None
    trusted = _trusted()
    peer = parse_address(request.META.get("REMOTE_ADDR"))
    if not trusted:
        return peer
    chain = _chain(request)
    if isinstance(trusted, int):
        # The last `trusted` entries are the proxies themselves; the one before them is the client.
        candidate = chain[-(trusted + 1)] if len(chain) > trusted else chain[0]
        return candidate or peer
    client = peer
    for address in reversed(chain):
        if address is None:
            return client  # a garbled hop: trust nothing left of it
        client = address
        if not any(ipaddress.ip_address(address) in network for network in trusted):
            return address
    return client  # every hop is a proxy: the leftmost is the best we know


def client_ip_for_axes(request: Any) -> str | None:
    """django-axes' AXES_CLIENT_IP_CALLABLE: the same address everything else uses."""
    return client_ip(request)
