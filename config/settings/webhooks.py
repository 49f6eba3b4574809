"""Webhooks: retries and backoff, when an endpoint is disabled, where deliveries may go (SSRF), limits."""

from config.env import env_bool, env_int, env_str
from config.settings.base import DEBUG

#: Attempts of one delivery before it is given up (the first one included).
WEBHOOK_MAX_ATTEMPTS = env_int("VERNISSAGE_WEBHOOK_MAX_ATTEMPTS", 8, minimum=1)
#: The wait after the first failed attempt; it doubles after each (plus up to 10% jitter), up to the maximum.
WEBHOOK_RETRY_BASE_S = env_int("VERNISSAGE_WEBHOOK_RETRY_BASE_MS", 30_000, minimum=1) / 1000
WEBHOOK_RETRY_MAX_S = env_int("VERNISSAGE_WEBHOOK_RETRY_MAX_S", 3600, minimum=1)
#: Deliveries in a row that failed every attempt before the endpoint is disabled (its owner is told).
WEBHOOK_DISABLE_AFTER = env_int("VERNISSAGE_WEBHOOK_DISABLE_AFTER", 5, minimum=1)
#: Seconds to connect, and again to read the answer.
WEBHOOK_TIMEOUT_S = env_int("VERNISSAGE_WEBHOOK_TIMEOUT_S", 10, minimum=1)
#: Loopback and private targets: allowed while debugging, refused in production unless this says so.
WEBHOOK_ALLOW_PRIVATE_TARGETS = env_bool("VERNISSAGE_WEBHOOK_ALLOW_PRIVATE_TARGETS", DEBUG)
WEBHOOK_MAX_ENDPOINTS = env_int("VERNISSAGE_WEBHOOK_MAX_ENDPOINTS", 10, minimum=1)
#: The Celery queue of the delivery task (the housekeeping worker's `default` unless you give it its own).
WEBHOOK_QUEUE = env_str("VERNISSAGE_WEBHOOK_QUEUE", "default")
#: A pending delivery this late is re-sent by the beat sweep (its message was lost).
WEBHOOK_SWEEP_GRACE_S = env_int("VERNISSAGE_WEBHOOK_SWEEP_GRACE_S", 300, minimum=1)
WEBHOOK_SWEEP_INTERVAL = env_int("VERNISSAGE_WEBHOOK_SWEEP_INTERVAL", 60, minimum=1)
