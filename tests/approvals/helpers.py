"""Put clips into each publication state through the real services."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from approvals import services
from approvals.gate import Publication as P
from tests.factories import make_clip

ALL_STATES = [
    P.PRIVATE,
    P.PENDING_REVIEW,
    P.APPROVED,
    P.HELD,
    P.PUBLISHED,
    P.CHANGES_REQUESTED,
    P.REJECTED,
    P.APPEALED,
    P.WITHDRAWN,
    P.TAKEN_DOWN,
    P.TAKEDOWN_APPEALED,
]


def ensure_starter_policy() -> None:
    """Re-create the starter policy clauses of the data migration (a transactional test flushes them)."""
    import importlib

    from django.apps import apps

    importlib.import_module("approvals.migrations.0005_policy_seed").seed(apps, None)


def _enter_in_holding_contest(clip, artist) -> None:
    from contests.models import Contest
    from contests.services import entry_create

    now = timezone.now()
    contest, _ = Contest.objects.get_or_create(
        slug="holding",
        defaults={
            "title": "Holding",
            "rules": "Entries are held until the results.",
            "opens_at": now - timedelta(hours=1),
            "closes_at": now + timedelta(days=2),
            "judging_ends_at": now + timedelta(days=3),
            "max_entries_per_artist": 50,
            "holds_entries": True,
        },
    )
    entry_create(contest_id=contest.pk, clip_id=clip.id, artist=artist)


def clip_in_state(state: str, *, artist, moderator, **job_overrides):
    """A clip of `artist` in `state`, reached by the services (so its reviews are consistent)."""
    clip = make_clip(artist, **job_overrides)
    if state == P.PRIVATE:
        return clip
    if state == P.HELD:  # entered in a contest that holds entries (which asks for publication), then approved
        _enter_in_holding_contest(clip, artist)
        services.clip_decide(clip_id=clip.id, moderator=moderator, decision="approve")
        clip.refresh_from_db()
        assert clip.publication == state, (clip.publication, state)
        return clip
    embargo = timezone.now() + timedelta(days=2) if state == P.APPROVED else None
    services.clip_request_publication(clip_id=clip.id, artist=artist, publish_at=embargo)
    if state in (P.APPROVED, P.PUBLISHED, P.WITHDRAWN, P.TAKEN_DOWN, P.TAKEDOWN_APPEALED):
        services.clip_decide(clip_id=clip.id, moderator=moderator, decision="approve")
        if state == P.WITHDRAWN:
            services.clip_withdraw(clip_id=clip.id, artist=artist)
        elif state in (P.TAKEN_DOWN, P.TAKEDOWN_APPEALED):
            services.clip_take_down(clip_id=clip.id, moderator=moderator, clause="P4", reason="Gore.")
            if state == P.TAKEDOWN_APPEALED:
                services.clip_appeal(clip_id=clip.id, artist=artist, message="It is stage make-up.")
    elif state == P.CHANGES_REQUESTED:
        services.clip_decide(
            clip_id=clip.id, moderator=moderator, decision="changes", clause="P6", reason="The last second is broken."
        )
    elif state in (P.REJECTED, P.APPEALED):
        services.clip_decide(
            clip_id=clip.id, moderator=moderator, decision="reject", clause="P5", reason="This copies a known poster."
        )
        if state == P.APPEALED:
            services.clip_appeal(clip_id=clip.id, artist=artist, message="It is my own poster.")
    clip.refresh_from_db()
    assert clip.publication == state, (clip.publication, state)
    return clip
