"""Error tracking with Sentry (sentry-sdk: Django and Celery), with what must never leave taken out.

Nothing is sent unless SENTRY_DSN is set (config/settings/observability.py calls `sentry_init`). Every
event goes through `scrub` before it leaves:
- request bodies are never attached (`max_request_body_size="never"`), nor local variables (unless
  SENTRY_INCLUDE_LOCALS), nor personal data (`send_default_pii=False`);
- headers, cookies, query strings and extra data lose the values of sensitive keys (sentry-sdk's
  EventScrubber, with prompts, tokens and secrets added to its default list);
- any string anywhere in the event loses API tokens (`vrn_...`) and the texts the code asked to forget for
  this request or task (`sentry_forget(prompt)`: the render's prompt, in the web request that submits it
  and in the worker that renders it), wherever an error message or a log line put them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import sentry_sdk
from sentry_sdk.scrubber import DEFAULT_DENYLIST, EventScrubber

FILTERED = "[Filtered]"
TOKEN = re.compile(r"vrn_[A-Za-z0-9_\-]+")
DENYLIST = [
    *DEFAULT_DENYLIST,
    "prompt",
    "negative_prompt",
    "token",
    "api_token",
    "secret",
    "signature",
    "vernissage-signature",
    "x-csrftoken",
    "csrfmiddlewaretoken",
    "otp_token",
    "code",
]
#: Shorter texts are not forgotten by value (they would blank ordinary words of every message).
MIN_FORGET_CHARS = 4


def _replace(value: Any, texts: tuple[str, ...]) -> Any:
    if isinstance(value, str):
        value = TOKEN.sub(FILTERED, value)
        for text in texts:
            if text in value:
                value = value.replace(text, FILTERED)
        return value
    if isinstance(value, dict):
        return {key: _replace(item, texts) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_replace(item, texts) for item in value]
    return value


def scrub(event: dict[str, Any], texts: Iterable[str] = ()) -> dict[str, Any]:
    """The event with API tokens and `texts` replaced by [Filtered] in every string, keys included."""
    ordered = tuple(sorted({t for t in texts if t and len(t) >= MIN_FORGET_CHARS}, key=len, reverse=True))
    return _replace(event, ordered)


def _before_send(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    return scrub(event)


def sentry_forget(*texts: str | None) -> None:
    """Never send these texts (a prompt) in an event of the current request or task; free without a DSN."""
    if not sentry_sdk.is_initialized():
        return
    words = tuple(t for t in texts if t and len(t) >= MIN_FORGET_CHARS)
    if words:
        sentry_sdk.get_isolation_scope().add_event_processor(lambda event, hint: scrub(event, words))


def sentry_init(
    *, dsn: str, environment: str, release: str = "", traces_sample_rate: float = 0.0, include_locals: bool = False
) -> None:
    """Start sentry-sdk with the Django and Celery integrations and the scrubbing above."""
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=include_locals,
        event_scrubber=EventScrubber(denylist=DENYLIST, recursive=True),
        before_send=_before_send,
        before_send_transaction=_before_send,
        traces_sample_rate=traces_sample_rate,
    )
