"""Which presets the live render workers can load now, as they report it (generation.worker.availability).

A preset is *available* when a live worker can load it, or when no live worker has reported at all (the
farm is down or restarting: jobs wait in the queue as before, and the farm page says so). A preset that
live workers have checked and none can load is *unavailable*: artists see it so on the form and in the
presets API, and a submission to it is refused before anything is queued. Enabling a preset is stricter:
it needs a live worker that can load it from the source jobs would record.
"""

from __future__ import annotations

import logging
from collections import defaultdict

from django.db.models import BooleanField, Case, Count, Exists, OuterRef, Q, When
from django.utils.translation import gettext_lazy as _

from generation.jobs.farm import live_cutoff
from generation.models import PresetConfig, RenderWorkerPreset
from generation.runtime.presets import PRESETS, get_preset

log = logging.getLogger(__name__)

UNAVAILABLE_MESSAGE = _(
    "No render worker can load %(preset)s now, so it cannot render; nothing was queued and no quota spent. "
    "Choose another model, or try again once the site's admins have fixed it."
)
CHECK_COMMAND = "check_presets"


def _live_reports():
    return RenderWorkerPreset.objects.filter(worker__last_seen__gte=live_cutoff())


def available_annotation(key_field: str = "key") -> dict:
    """`available` for a query of rows with a preset key: one CASE of two EXISTS, no query of its own."""
    able = _live_reports().filter(preset=OuterRef(key_field), ok=True)
    return {
        "available": Case(
            When(Exists(able), then=True),
            When(Exists(_live_reports()), then=False),
            default=True,
            output_field=BooleanField(),
        )
    }


def default_available(key: str) -> bool:
    """Whether the settings' default preset is available (one query)."""
    counts = _live_reports().aggregate(reports=Count("id"), able=Count("id", filter=Q(preset=key, ok=True)))
    return bool(counts["able"] or not counts["reports"])


def enable_refusal(*, key: str, source: str) -> str | None:
    """Why the preset `key` loading from `source` may not be enabled now; None when a live worker can load it."""
    reports = list(_live_reports().filter(preset=key).select_related("worker").order_by("worker__name"))
    if any(r.ok and r.source == source for r in reports):
        return None
    label = get_preset(key).label if key in PRESETS else key
    not_yet = _("has not checked this source yet (workers check at every heartbeat: save it disabled, then enable it)")
    why = "; ".join(f"{r.worker.name}: {r.reason if r.source == source else not_yet}" for r in reports)
    if why:
        return str(
            _("No live render worker can load %(preset)s from %(source)s (%(why)s), so it cannot be enabled.")
            % {"preset": label, "source": source, "why": why}
        )
    return str(
        _(
            "No live render worker has reported it can load %(preset)s from %(source)s, so it cannot be enabled. "
            "Workers check every heartbeat; save it disabled first if you changed its source, then enable it."
        )
        % {"preset": label, "source": source}
    )


def farm_presets() -> list[dict]:
    """Per registry preset: the live workers able to run it and those that cannot, with why (the farm page)."""
    able: dict[str, list[str]] = defaultdict(list)
    unable: dict[str, list[str]] = defaultdict(list)
    for report in _live_reports().select_related("worker").order_by("preset", "worker__name"):
        if report.ok:
            able[report.preset].append(report.worker.name)
        else:
            unable[report.preset].append(f"{report.worker.name}: {report.reason}")
    enabled = set(PresetConfig.objects.filter(enabled=True).values_list("key", flat=True))
    return [
        {"key": key, "label": p.label, "enabled": key in enabled, "able": able[key], "unable": unable[key]}
        for key, p in PRESETS.items()
    ]


def workers_recheck() -> None:
    """Ask every render worker to check its presets now (a broadcast control command; best effort)."""
    from celery import current_app

    try:
        current_app.control.broadcast(CHECK_COMMAND)
    except Exception:  # the broker may be down: workers check on their next heartbeat anyway
        log.warning("could not ask the render workers to check their presets", exc_info=True)
