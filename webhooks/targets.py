"""Where a webhook may be sent: http(s) URLs only, and (unless WEBHOOK_ALLOW_PRIVATE_TARGETS) only to public
addresses, so an endpoint cannot make the site call its own database, metadata service or LAN (SSRF).

The check runs when an endpoint is registered and again at every attempt, on the addresses the name
resolves to then; the connection goes to the address that was checked (transport.py), so a name that
changes its answer between the check and the request (DNS rebinding) still reaches only a checked address.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_URL_CHARS = 2000


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # as written in the URL (the Host header and the TLS name)
    port: int
    address: str  # the checked IP address to connect to
    path: str  # path and query


def _public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def url_parse(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path) of an http(s) URL; ValidationError with a clear message otherwise."""
    url = (url or "").strip()
    if len(url) > MAX_URL_CHARS:
        raise ValidationError(_("The URL is longer than %(limit)s characters.") % {"limit": MAX_URL_CHARS})
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ValidationError(_("This is not a valid URL.")) from None
    if parts.scheme not in ("http", "https"):
        raise ValidationError(_("Only http:// and https:// URLs can receive webhooks."))
    if not parts.hostname:
        raise ValidationError(_("The URL needs a host name."))
    if parts.username or parts.password:
        raise ValidationError(_("Put no user name or password in the URL; verify the signature instead."))
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80), path


def target_resolve(url: str) -> Target:
    """Check `url` and pick the address to send to; ValidationError when it may not receive webhooks."""
    scheme, host, port, path = url_parse(url)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise ValidationError(_("The host name %(host)s could not be found.") % {"host": host}) from None
    addresses = [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]
    if not settings.WEBHOOK_ALLOW_PRIVATE_TARGETS:
        refused = [str(a) for a in addresses if not _public(a)]
        if refused:
            raise ValidationError(
                _("%(host)s is a private, loopback or reserved address (%(addresses)s); webhooks go to public hosts.")
                % {"host": host, "addresses": ", ".join(sorted(set(refused)))}
            )
    if not addresses:
        raise ValidationError(_("The host name %(host)s could not be found.") % {"host": host})
    return Target(scheme=scheme, host=host, port=port, address=str(addresses[0]), path=path)
