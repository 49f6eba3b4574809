"""Blind pairwise rounds: opened on a prompt set, shown unlabelled in a per-artist order, one vote per pair,
paid once; the results page's win rates match hand-computed counts, per pair of versions and per tag."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from artists.models import EntryKind, LedgerEntry
from evaluation.models import Choice, Pair, Round, Tag, Vote
from evaluation.selectors import pair_sides, pairwise_results
from evaluation.services import a_shown_left, round_close, round_open
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_a_round_pairs_same_prompt_and_seed_across_the_two_versions(admin_user, versions, rendered_pairs):
    old, new = versions
    round_ = round_open(title="v1 vs v2", version_a_id=old.pk, version_b_id=new.pk, actor=admin_user)
    pairs = list(round_.pairs.select_related("clip_a__job", "clip_b__job"))
    assert sorted(p.prompt for p in pairs) == sorted(rendered_pairs)
    for pair in pairs:
        assert pair.clip_a.job.model_version == old and pair.clip_b.job.model_version == new
        assert pair.clip_a.job.prompt == pair.clip_b.job.prompt and pair.clip_a.job.seed == pair.clip_b.job.seed == 7
    subset = round_open(
        title="two", version_a_id=old.pk, version_b_id=new.pk, prompts="rain on a tin roof\n\n", actor=admin_user
    )
    assert [p.prompt for p in subset.pairs.all()] == ["rain on a tin roof"]


def test_opening_a_round_refuses_bad_input(admin_user, artist, versions, rendered_pairs):
    old, new = versions
    with pytest.raises(ValidationError, match="Only the model team"):
        round_open(title="x", version_a_id=old.pk, version_b_id=new.pk, actor=artist)
    with pytest.raises(ValidationError) as same:
        round_open(title="", version_a_id=old.pk, version_b_id=old.pk, actor=admin_user)
    assert set(same.value.message_dict) == {"title", "version_b"}
    with pytest.raises(ValidationError, match="render them first"):
        round_open(title="x", version_a_id=old.pk, version_b_id=new.pk, prompts="never rendered", actor=admin_user)
    answer = _client(admin_user).post(reverse("evaluation:rounds"), {"title": "x", "version_a": "zz", "version_b": ""})
    assert answer.status_code == 400 and "Choose version A." in answer.content.decode()
    assert not Round.objects.exists()
    assert _client(artist).post(reverse("evaluation:rounds"), {"title": "x"}).status_code == 403


def test_the_order_is_blind_per_artist_and_stable(admin_user, versions, rendered_pairs):
    old, new = versions
    round_ = round_open(title="r", version_a_id=old.pk, version_b_id=new.pk, actor=admin_user)
    artists = [make_user(f"a{i}", role="artist") for i in range(8)]
    pair = round_.pairs.first()
    orders = {a_shown_left(pair_id=pair.pk, artist_id=a.pk) for a in artists}
    assert orders == {True, False}  # 8 artists: both orders occur (fixed key, fixed ids: deterministic here)
    first = artists[0]
    assert a_shown_left(pair_id=pair.pk, artist_id=first.pk) == a_shown_left(pair_id=pair.pk, artist_id=first.pk)
    page = _client(first).get(reverse("evaluation:play", args=[round_.pk])).content.decode()
    for clip in (pair.clip_a, pair.clip_b):  # nothing on the page leads to a clip, its version or its artist
        assert str(clip.pk) not in page and clip.media_key not in page
    assert "v1" not in page and "v2" not in page and "Model Lab" not in page
    left, right = pair_sides(pair=pair, artist=first)
    video = _client(first).get(reverse("evaluation:pair_video", args=[round_.pk, pair.pk, "left"]))
    assert video.status_code == 200 and b"".join(video.streaming_content) == left.video.open("rb").read()


def test_a_vote_maps_the_side_to_the_version_once_and_is_paid_once(admin_user, artist, versions, rendered_pairs):
    old, new = versions
    round_ = round_open(title="r", version_a_id=old.pk, version_b_id=new.pk, actor=admin_user)
    pair = round_.pairs.first()
    client = _client(artist)
    answer = client.post(
        reverse("evaluation:play", args=[round_.pk]), {"pair": pair.pk, "choice": "left", "tags": ["motion"]}
    )
    assert answer.status_code == 302
    vote = Vote.objects.get()
    expected = Choice.A if a_shown_left(pair_id=pair.pk, artist_id=artist.pk) else Choice.B
    assert vote.choice == expected and [t.slug for t in vote.tags.all()] == ["motion"]
    again = client.post(reverse("evaluation:play", args=[round_.pk]), {"pair": pair.pk, "choice": "tie"})
    assert again.status_code == 400 and "already compared" in again.content.decode()
    bad = client.post(reverse("evaluation:play", args=[round_.pk]), {"pair": "x", "choice": "left"})
    assert bad.status_code == 400 and "No such comparison." in bad.content.decode()
    second = round_.pairs.exclude(pk=pair.pk).first()
    wrong = client.post(reverse("evaluation:play", args=[round_.pk]), {"pair": second.pk, "choice": "up"})
    assert wrong.status_code == 400 and "Pick the left clip" in wrong.content.decode()
    entries = LedgerEntry.objects.filter(kind=EntryKind.PAIRWISE)
    assert [(e.artist_id, str(e.amount), e.reference) for e in entries] == [(artist.pk, "0.50", f"pairwise:{vote.pk}")]
    round_close(round_=round_, actor=admin_user)
    closed = client.post(reverse("evaluation:play", args=[round_.pk]), {"pair": second.pk, "choice": "left"})
    assert closed.status_code == 400 and "closed" in closed.content.decode()
    assert client.get(reverse("evaluation:pair_video", args=[round_.pk, second.pk, "left"])).status_code == 404


def test_results_match_hand_counts_per_pair_and_per_tag(admin_user, versions, rendered_pairs):
    """Ten votes on v1 (A) vs v2 (B): B wins 6, A wins 3, 1 tie. v2's rate = (6 + 0.5) / 10 = 0.65,
    Wilson 95%: centre (0.65 + 0.1920729) / 1.3841459 = 0.608370,
    half 1.416008 * sqrt(0.65 * 0.35 / 10 + 0.0096036) = 1.416008 * 0.179871 = 0.254699 -> [0.353671, 0.863069].
    Votes tagged "motion": B wins 3, A wins 1 -> v1's side reads 1 win 3 losses; as v2 first, rate 0.75."""
    old, new = versions
    round_ = round_open(title="r", version_a_id=new.pk, version_b_id=old.pk, actor=admin_user)  # A is v2 here
    pairs = list(Pair.objects.filter(round=round_))
    plan = [("a", True)] * 3 + [("a", False)] * 3 + [("b", True)] + [("b", False)] * 2 + [("tie", False)]
    for i, (choice, motion) in enumerate(plan):
        voter = make_user(f"voter{i}", role="artist")
        vote = Vote.objects.create(pair=pairs[i % len(pairs)], artist=voter, choice=choice, a_shown_left=True)
        if motion:
            vote.tags.add(Tag.objects.get(slug="motion"))
    [result] = pairwise_results()
    assert (result.first, result.second) == (old, new)  # the lower id first, whatever the round's order
    assert (result.overall.wins, result.overall.losses, result.overall.ties) == (3, 6, 1)
    assert result.overall.rate == pytest.approx(0.35)
    # v1 first: rate 0.35 -> the mirror of v2's interval: [1 - 0.863069, 1 - 0.353671]
    assert result.overall.low == pytest.approx(1 - 0.863069, abs=1e-5)
    assert result.overall.high == pytest.approx(1 - 0.353671, abs=1e-5)
    [(tag, motion)] = result.by_tag
    assert tag == "Motion" and (motion.wins, motion.losses, motion.ties) == (1, 3, 0) and motion.rate == 0.25
    page = _client(admin_user).get(reverse("evaluation:results")).content.decode()
    assert "0.350" in page and "0.137 – 0.646" in page and "Motion" in page
    assert _client(make_user("nosy", role="artist")).get(reverse("evaluation:results")).status_code == 403


def test_each_side_has_its_prompt_as_captions_while_the_round_is_open(admin_user, versions, rendered_pairs):
    old, new = versions
    round_ = round_open(title="r", version_a_id=old.pk, version_b_id=new.pk, actor=admin_user)
    pair, player = round_.pairs.first(), make_user("player", role="artist")
    url = reverse("evaluation:pair_captions", args=[round_.pk, pair.pk, "right"])
    response = _client(player).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "text/vtt; charset=utf-8"
    assert (
        response.content.decode().endswith(f"\n{pair.clip_a.job.prompt}\n") and "private" in response["Cache-Control"]
    )
    assert 'kind="captions"' in _client(player).get(reverse("evaluation:play", args=[round_.pk])).content.decode()
    assert _client(player).get(url.replace("right.vtt", "middle.vtt")).status_code == 404
    round_close(round_=round_, actor=admin_user)
    assert _client(player).get(url).status_code == 404  # closed: only the model team still sees its clips
    assert _client(admin_user).get(url).status_code == 200
