"""Turn the events of the apps below into deliveries, inside the transaction that made each change.

Each lower app sends its signal inside that transaction (generation.signals, approvals.signals,
contests.signals), so a delivery exists exactly when its event committed. A receiver never fails the
change it hears of: its writes run in a savepoint, and an error is logged and dropped.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from functools import wraps

from django.db import transaction
from django.dispatch import receiver

from approvals.models import Review
from approvals.signals import clip_decided, clip_published, clip_taken_down
from contests.models import Contest, EntryStatus
from contests.selectors import standings
from contests.signals import contest_results_published
from generation.models import Clip, RenderJob
from generation.signals import render_failed, render_finished
from webhooks import payloads
from webhooks.events import Event
from webhooks.services.deliveries import deliveries_create, endpoints_for

log = logging.getLogger(__name__)


def _never_fails(func: Callable[..., None]) -> Callable[..., None]:
    @wraps(func)
    def wrapper(sender, **kwargs) -> None:
        try:
            with transaction.atomic():
                func(**kwargs)
        except Exception:  # the event itself must stand; its webhook is lost, and said so
            log.exception("webhook deliveries for %s (%s) were not written", func.__name__, kwargs)

    return wrapper


def _emit(event: str, artist_id: int | None, data: Callable[[], dict]) -> None:
    """Write the deliveries of `event` about `artist_id`'s work; `data` is built only when someone listens."""
    endpoints = endpoints_for(event=event, artist_id=artist_id)
    if endpoints:
        deliveries_create(endpoints=endpoints, event=event, data=data())


@receiver(render_finished, dispatch_uid="webhooks.render_finished")
@_never_fails
def on_render_finished(*, job_id, clip_id, **kwargs) -> None:
    clip = Clip.objects.select_related("job").get(id=clip_id)
    _emit(
        Event.RENDER_FINISHED,
        clip.artist_id,
        lambda: {"job": payloads.job_data(clip.job), "clip": payloads.clip_data(clip)},
    )


@receiver(render_failed, dispatch_uid="webhooks.render_failed")
@_never_fails
def on_render_failed(*, job_id, **kwargs) -> None:
    job = RenderJob.objects.filter(id=job_id).first()
    if job is not None:
        _emit(Event.RENDER_FAILED, job.artist_id, lambda: {"job": {**payloads.job_data(job), "error": job.error}})


@receiver(clip_decided, dispatch_uid="webhooks.clip_decided")
@_never_fails
def on_clip_decided(*, clip_id, review_id, **kwargs) -> None:
    review = Review.objects.select_related("clip", "clause").get(pk=review_id)
    data = {"clip": payloads.clip_data(review.clip), "decision": payloads.decision_data(review)}
    _emit(Event.CLIP_DECIDED, review.clip.artist_id, lambda: data)


@receiver(clip_published, dispatch_uid="webhooks.clip_published")
@_never_fails
def on_clip_published(*, clip_id, **kwargs) -> None:
    clip = Clip.objects.get(id=clip_id)
    _emit(Event.CLIP_PUBLISHED, clip.artist_id, lambda: {"clip": payloads.clip_data(clip)})


@receiver(clip_taken_down, dispatch_uid="webhooks.clip_taken_down")
@_never_fails
def on_clip_taken_down(*, clip_id, review_id, **kwargs) -> None:
    review = Review.objects.select_related("clip", "clause").get(pk=review_id)
    data = {"clip": payloads.clip_data(review.clip), "takedown": payloads.decision_data(review)}
    _emit(Event.CLIP_TAKEN_DOWN, review.clip.artist_id, lambda: data)


@receiver(contest_results_published, dispatch_uid="webhooks.contest_results_published")
@_never_fails
def on_contest_results(*, contest_id, **kwargs) -> None:
    """Site-wide endpoints get the whole ranking; each entrant's own endpoints get their entries only."""
    contest = Contest.objects.get(pk=contest_id)
    head = {
        "slug": contest.slug,
        "title": contest.title,
        "results_published_at": payloads._when(contest.results_published_at),
        "page": payloads._url("contest_detail", slug=contest.slug),
    }
    rows = [
        (
            standing.entry.artist_id,
            {
                "entry": str(standing.entry.pk),
                "number": standing.entry.number,
                "clip": str(standing.entry.clip_id),
                "rank": standing.result.rank,
                "score": standing.result.score_display if standing.result.score is not None else None,
                "winner": standing.winner,
            },
        )
        for standing in standings(contest)
        if standing.entry.status == EntryStatus.ACTIVE
    ]
    event, event_id = Event.CONTEST_RESULTS, uuid.uuid4()
    site_wide = endpoints_for(event=event, artist_id=None)
    everyone = [row for _, row in rows]
    deliveries_create(endpoints=site_wide, event=event, data={"contest": head, "entries": everyone}, event_id=event_id)
    for artist_id in sorted({artist_id for artist_id, _ in rows}):
        own = [e for e in endpoints_for(event=event, artist_id=artist_id) if not e.site_wide]
        mine = [row for owner, row in rows if owner == artist_id]
        deliveries_create(endpoints=own, event=event, data={"contest": head, "entries": mine}, event_id=event_id)
