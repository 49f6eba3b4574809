"""Contest fixtures: a controllable clock, judges, and a contest with a three-line rubric."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model

from approvals.gate import Publication
from contests.models import Contest, Criterion
from contests.services import judge_grant
from tests.factories import PASSWORD, make_clip, make_user

T0 = datetime(2026, 12, 1, 12, 0, 0, tzinfo=UTC)  # the contest opens at this second
SECOND = timedelta(seconds=1)
RUBRIC = (
    ("Story", "Does the clip tell something?", 3),
    ("Craft", "Motion, light, coherence", 2),
    ("Originality", "", 1),
)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Contest tests create many accounts; the default hasher costs about half a second each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class Clock:
    """Stands in for core.clock._now; tests put it exactly where they need it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def set(self, moment: datetime) -> None:
        self.now = moment

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = Clock(T0 - timedelta(days=1))
    monkeypatch.setattr("core.clock._now", fake)
    return fake


def make_contest(
    *, slug="spring", judges=(), opens_at=T0, hours_open=48, hours_judging=24, max_entries=2, rubric=RUBRIC, **extra
) -> Contest:
    contest = Contest.objects.create(
        title=extra.pop("title", f"Contest {slug}"),
        slug=slug,
        theme=extra.pop("theme", "Water and light"),
        rules=extra.pop("rules", "One to ten seconds. Your own published clips only."),
        opens_at=opens_at,
        closes_at=opens_at + timedelta(hours=hours_open),
        judging_ends_at=opens_at + timedelta(hours=hours_open + hours_judging),
        max_entries_per_artist=max_entries,
        holds_entries=extra.pop("holds_entries", False),  # tests of held entries ask for them
        **extra,
    )
    for position, (name, description, weight) in enumerate(rubric):
        Criterion.objects.create(contest=contest, name=name, description=description, weight=weight, position=position)
    contest.judges.set(judges)
    return contest


def make_judge(username: str, *, role: str | None = None, display_name: str = ""):
    """A judge; with `role` (e.g. "artist") the account also has that role."""
    if role is None:
        user = get_user_model().objects.create_user(
            username=username, email=f"{username}@example.test", password=PASSWORD, display_name=display_name
        )
    else:
        user = make_user(username, role=role, display_name=display_name)
    judge_grant(user=user)
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def judges(db):
    return [make_judge("judge1", display_name="First Judge"), make_judge("judge2", display_name="Second Judge")]


@pytest.fixture
def contest(db, judges):
    return make_contest(judges=judges)


@pytest.fixture
def published_clip(db):
    def _make(artist, **kwargs):
        return make_clip(artist, publication=Publication.PUBLISHED, **kwargs)

    return _make
