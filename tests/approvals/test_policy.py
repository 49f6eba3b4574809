"""Policy clauses as data: rules checked at submission (block or flag), clauses cited in decisions."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from approvals import services
from approvals.gate import Publication as P
from approvals.models import PolicyClause
from approvals.policy import prompt_check
from generation.models import RenderJob
from tests.approvals.helpers import clip_in_state
from tests.factories import PASSWORD

RENDER = {"duration_s": 1, "width": 512, "height": 512}


@pytest.fixture
def rules(db):
    PolicyClause.objects.filter(code="P1").update(
        action="block", terms="celebrity deepfake\nreal person", patterns=r"\bface\s*swap\w*"
    )
    PolicyClause.objects.filter(code="P4").update(action="flag", terms="blood")
    return PolicyClause.objects.get(code="P1")


def test_blocking_rule_names_the_clause(rules):
    for prompt in ["A Celebrity Deepfake dancing", "faceswap of my neighbour", "a calm sea"]:
        if prompt == "a calm sea":
            assert prompt_check(prompt=prompt).flagged == []
            continue
        with pytest.raises(ValidationError) as exc:
            prompt_check(prompt=prompt)
        assert "policy clause P1 (Consent and real people)" in exc.value.message_dict["prompt"][0]
    with pytest.raises(ValidationError):
        prompt_check(prompt="a calm sea", negative_prompt="real person")  # the negative prompt counts too
    assert prompt_check(prompt="realistic personal diary").flagged == []  # whole words only
    assert prompt_check(prompt="a drop of BLOOD on snow").flagged == ["P4"]


def test_blocked_prompt_renders_nothing_on_the_api_and_the_form(rules, artist, api):
    response = api(artist).post(
        "/api/v1/renders", {"prompt": "celebrity deepfake at the beach", **RENDER}, format="json"
    )
    assert response.status_code == 400
    assert "policy clause P1" in response.json()["detail"]
    client = Client()
    client.login(username=artist.username, password=PASSWORD)
    page = client.post(
        "/studio/",
        {"prompt": "face swap party", "duration_s": 1, "resolution": "512x512", "negative_prompt": "", "seed": ""},
    )
    assert page.status_code == 400 and "policy clause P1" in page.content.decode()
    assert RenderJob.objects.count() == 0


def test_flagged_prompt_renders_and_is_marked_for_closer_review(rules, artist, moderator, api, client):
    response = api(artist).post("/api/v1/renders", {"prompt": "blood moon over the sea", **RENDER}, format="json")
    assert response.status_code == 201, response.content
    assert RenderJob.objects.filter(prompt="blood moon over the sea").exists()
    flagged = clip_in_state(P.PENDING_REVIEW, artist=artist, moderator=moderator, prompt="blood moon rising")
    plain = clip_in_state(P.PENDING_REVIEW, artist=artist, moderator=moderator, prompt="a calm sea")
    assert flagged.flagged and flagged.policy_flags == ["P4"] and not plain.flagged
    client.login(username=moderator.username, password=PASSWORD)
    only_flagged = client.get("/review/?flagged=yes").content.decode()
    assert f"review-{flagged.id}" in only_flagged and f"review-{plain.id}" not in only_flagged
    page = client.get(f"/review/{flagged.id}/").content.decode()
    assert 'id="flagged"' in page and "P4" in page


def test_a_bad_regular_expression_is_refused_by_the_admin_form(rules):
    clause = PolicyClause(code="P9", title="Test", text="Test", patterns="(unclosed")
    with pytest.raises(ValidationError, match="not a valid regular expression"):
        clause.full_clean()


def test_the_artist_sees_clause_and_reason_of_a_rejection(artist, moderator, client):
    clip = clip_in_state(P.REJECTED, artist=artist, moderator=moderator)
    client.login(username=artist.username, password=PASSWORD)
    page = client.get(f"/clips/{clip.id}/").content.decode()
    assert 'id="decision"' in page and "P5: Others&#x27; work" in page
    assert "This copies a known poster." in page and 'id="appeal-form"' in page
    client.post(f"/clips/{clip.id}/appeal", {"message": "It is my own poster, here is the source."})
    services.clip_decide(
        clip_id=clip.id,
        moderator=pytest.importorskip("tests.factories").make_user("mod2", role="moderator"),
        decision="reject",
        clause="P5",
        reason="Still a copy.",
    )
    page = client.get(f"/clips/{clip.id}/").content.decode()
    assert "Decision on your appeal" in page and "final" in page and 'id="appeal-form"' not in page
