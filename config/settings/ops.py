"""Operating the site: who may read /metrics, and how long the readiness checks wait.

/metrics (ops.views.metrics) answers a request that carries `Authorization: Bearer <VERNISSAGE_METRICS_TOKEN>`
(when that is set) or that comes from an address inside VERNISSAGE_METRICS_ALLOW (networks, comma-separated;
the client's address as core.net.client_ip sees it, through trusted proxies only). Anything else is refused
with 403. An empty allow-list with a token means: the token only.
"""

import ipaddress

from django.core.exceptions import ImproperlyConfigured

from config.env import env_int, env_str

METRICS_TOKEN = env_str("VERNISSAGE_METRICS_TOKEN")
if METRICS_TOKEN and len(METRICS_TOKEN) < 16:
    raise ImproperlyConfigured("VERNISSAGE_METRICS_TOKEN must be at least 16 characters long.")
METRICS_ALLOW = tuple(
    item.strip() for item in env_str("VERNISSAGE_METRICS_ALLOW", "127.0.0.1/32,::1/128").split(",") if item.strip()
)
for _network in METRICS_ALLOW:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"VERNISSAGE_METRICS_ALLOW must be networks separated by commas (10.0.0.0/8,::1), not {_network!r}."
        ) from None

# Render times the /metrics histogram counts finished jobs into, in seconds.
METRICS_RENDER_BUCKETS = (1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1200, 1800, 3600)

# Each readiness check (the broker's connection above all) gives up after this many seconds.
READINESS_TIMEOUT_S = env_int("VERNISSAGE_READINESS_TIMEOUT", 3, minimum=1)
