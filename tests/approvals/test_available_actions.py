"""`approvals.gate.available_actions` offers exactly what the services accept: for every state (and the
claim and appeal-used variants) and every role, each offered action succeeds and every other one is
refused by its service; the clip page and the review page show the forms of the offered actions only.
Nobody decides on their own clip: an admin (artist and moderator) gets only the artist's actions on it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.utils import timezone

from approvals import services
from approvals.gate import Action as A
from approvals.gate import Publication as P
from approvals.gate import available_actions
from approvals.models import Review
from generation.models import Clip
from tests.approvals.helpers import ALL_STATES, clip_in_state
from tests.factories import PASSWORD, make_user

CLAIMED = "pending_review, claimed by the first moderator"
APPEAL_USED = "rejected, its appeal rejected too"
TAKEDOWN_APPEAL_USED = "taken down, its appeal refused too"
SCENARIOS = [*ALL_STATES, CLAIMED, APPEAL_USED, TAKEDOWN_APPEAL_USED]
ROLES = ["anonymous", "other_artist", "owner", "moderator", "second_moderator", "admin_owner"]

# Written from DESIGN.md. `moderator` made every earlier decision (so it rejected the appealed clip and
# took the taken-down one down).
OFFERED = {
    ("owner", P.PRIVATE): {A.REQUEST},
    ("owner", P.PENDING_REVIEW): {A.WITHDRAW},
    ("owner", P.APPROVED): {A.WITHDRAW},
    ("owner", P.PUBLISHED): {A.WITHDRAW},
    ("owner", P.HELD): {A.WITHDRAW},
    ("owner", P.CHANGES_REQUESTED): {A.REQUEST, A.WITHDRAW},
    ("owner", P.REJECTED): {A.APPEAL},
    ("owner", P.APPEALED): {A.WITHDRAW},
    ("owner", P.TAKEN_DOWN): {A.APPEAL},  # once; a takedown under appeal cannot be withdrawn
    ("owner", CLAIMED): {A.WITHDRAW},
    ("moderator", P.PENDING_REVIEW): {A.REVIEW, A.APPROVE, A.CHANGES, A.REJECT},
    ("moderator", CLAIMED): {A.REVIEW, A.APPROVE, A.CHANGES, A.REJECT},
    ("moderator", P.PUBLISHED): {A.TAKE_DOWN},
    ("moderator", P.HELD): {A.TAKE_DOWN},
    ("second_moderator", P.PENDING_REVIEW): {A.REVIEW, A.APPROVE, A.CHANGES, A.REJECT},
    ("second_moderator", P.APPEALED): {A.REVIEW, A.APPROVE, A.REJECT},  # no "changes" on an appeal
    ("second_moderator", P.TAKEDOWN_APPEALED): {A.REVIEW, A.APPROVE, A.REJECT},
    ("second_moderator", P.PUBLISHED): {A.TAKE_DOWN},
    ("second_moderator", P.HELD): {A.TAKE_DOWN},
}
# An admin is an artist and a moderator; on their own clip they may do what its artist may, and decide nothing.
OFFERED.update({("admin_owner", scenario): offered for (role, scenario), offered in OFFERED.items() if role == "owner"})


class _Undo(Exception):
    pass


@pytest.fixture
def people(db, artist, moderator):
    return {
        "anonymous": AnonymousUser(),
        "other_artist": make_user("someone-else"),
        "owner": artist,
        "moderator": moderator,
        "second_moderator": make_user("mod-two", role="moderator"),
        "admin_owner": make_user("an-admin", role="admin"),
    }


def _clip(scenario, people, *, role=""):
    artist, moderator = people["admin_owner" if role == "admin_owner" else "owner"], people["moderator"]
    if scenario == CLAIMED:
        clip = clip_in_state(P.PENDING_REVIEW, artist=artist, moderator=moderator)
        services.review_claim(clip_id=clip.id, moderator=moderator)
        return clip
    if scenario == APPEAL_USED:
        clip = clip_in_state(P.APPEALED, artist=artist, moderator=moderator)
        services.clip_decide(
            clip_id=clip.id,
            moderator=people["second_moderator"],
            decision="reject",
            clause="P5",
            reason="Still a copy.",
        )
        clip.refresh_from_db()
        assert clip.publication == P.REJECTED
        return clip
    if scenario == TAKEDOWN_APPEAL_USED:
        clip = clip_in_state(P.TAKEDOWN_APPEALED, artist=artist, moderator=moderator)
        services.clip_decide(
            clip_id=clip.id, moderator=people["second_moderator"], decision="reject", clause="P4", reason="Still gore."
        )
        clip.refresh_from_db()
        assert clip.publication == P.TAKEN_DOWN
        return clip
    return clip_in_state(scenario, artist=artist, moderator=moderator)


def _take(action, clip, user):
    """Call the service behind `action` with valid input, as the pages and the API do."""
    if action == A.REQUEST:
        services.clip_request_publication(clip_id=clip.id, artist=user)
    elif action == A.APPEAL:
        services.clip_appeal(clip_id=clip.id, artist=user, message="Please look again.")
    elif action == A.WITHDRAW:
        services.clip_withdraw(clip_id=clip.id, artist=user)
    elif action == A.REVIEW:
        services.review_claim(clip_id=clip.id, moderator=user)
    elif action in (A.APPROVE, A.CHANGES, A.REJECT):
        services.clip_decide(clip_id=clip.id, moderator=user, decision=action, clause="P3", reason="Because.")
    elif action == A.TAKE_DOWN:
        services.clip_take_down(clip_id=clip.id, moderator=user, clause="P4", reason="Gore.")
    else:  # pragma: no cover - a new action needs a line here
        raise AssertionError(f"no service call for {action}")


def _accepted(action, clip, user) -> bool:
    """Whether the service accepts the action; the database is rolled back either way."""
    accepted = False
    try:
        with transaction.atomic():
            try:
                _take(action, clip, user)
            except (ValidationError, Clip.DoesNotExist):
                raise _Undo from None
            accepted = True
            raise _Undo
    except _Undo:
        pass
    clip.refresh_from_db()
    return accepted


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_offered_actions_are_exactly_those_the_services_accept(scenario, role, people):
    clip = _clip(scenario, people, role=role)
    user = people[role]
    offered = set(available_actions(clip=clip, user=user))
    assert offered == OFFERED.get((role, scenario), set())
    state = clip.publication
    for action in A:
        assert _accepted(action, clip, user) == (action in offered), (action, scenario, role)
        assert clip.publication == state  # rolled back: the next action starts from the same state


def _page_shows(html: str) -> set[str]:
    markers = {
        A.REQUEST: 'id="request-publication"',
        A.APPEAL: 'id="appeal-form"',
        A.WITHDRAW: 'id="withdraw"',
        A.REVIEW: "Review this clip",
        A.TAKE_DOWN: 'id="takedown-form"',
    }
    return {action for action, marker in markers.items() if marker in html}


@pytest.mark.parametrize("role", ["owner", "moderator", "second_moderator", "admin_owner"])
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_clip_page_shows_the_forms_of_the_offered_actions(scenario, role, people):
    clip = _clip(scenario, people, role=role)
    client = Client()
    client.login(username=people[role].username, password=PASSWORD)
    html = client.get(f"/clips/{clip.id}/").content.decode()
    expected = OFFERED.get((role, scenario), set()) - {A.APPROVE, A.CHANGES, A.REJECT}  # decided on the review page
    assert _page_shows(html) == expected


@pytest.mark.parametrize("role", ["second_moderator", "admin_owner"])
@pytest.mark.parametrize("scenario", [P.PENDING_REVIEW, P.APPEALED, P.TAKEDOWN_APPEALED, CLAIMED])
def test_the_review_page_shows_the_offered_decisions(scenario, role, people):
    clip = _clip(scenario, people, role=role)
    client = Client()
    client.login(username=people[role].username, password=PASSWORD)
    html = client.get(f"/review/{clip.id}/").content.decode()
    shown = {d for d in (A.APPROVE, A.CHANGES, A.REJECT) if f'id="{d}"' in html}
    expected = OFFERED.get((role, scenario), set()) - {A.REVIEW, A.TAKE_DOWN, A.WITHDRAW}
    assert shown == expected
    if role == "admin_owner":
        assert "This is your own clip: another moderator must decide on it." in html


def test_an_expired_claim_offers_the_decisions_again(people):
    clip = _clip(CLAIMED, people)
    Review.objects.filter(clip=clip).update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert A.APPROVE in available_actions(clip=clip, user=people["second_moderator"])
