"""The gate's beat tasks on a real Celery worker process."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from approvals.gate import Publication as P
from generation.models import Clip
from tests.approvals.helpers import clip_in_state
from tests.fixtures import wait_until

pytestmark = pytest.mark.worker


def test_publish_due_runs_on_the_worker_and_twice_publishes_once(live_worker, artist, moderator, settings):
    from approvals.tasks import publish_due

    assert settings.CELERY_BEAT_SCHEDULE["approvals-publish-due"]["task"] == "approvals.tasks.publish_due"
    clip = clip_in_state(P.APPROVED, artist=artist, moderator=moderator)
    Clip.objects.filter(id=clip.id).update(publish_at=timezone.now() - timedelta(seconds=1))
    publish_due.delay()
    publish_due.delay()
    wait_until(
        lambda: Clip.objects.get(id=clip.id).publication == P.PUBLISHED,
        timeout=30,
        message="embargoed clip published by the worker",
    )
    wait_until(
        lambda: live_worker.output().count("approvals.tasks.publish_due") >= 4,
        timeout=30,
        message="both deliveries handled",
    )  # each task logs 'received' and 'succeeded'
    from core.models import AuditEvent

    assert AuditEvent.objects.filter(action="clip.published", object_id=str(clip.id)).count() == 1
