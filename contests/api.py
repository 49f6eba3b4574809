"""REST API v1 for contests: public contests, entries, blind judging, an artist's feedback.

Payloads a judge receives are built by `blind_entry_payload` only: no artist, clip id or link.
"""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from contests import judging, selectors, services
from contests.models import Entry, EntryStatus, Phase


def _iso(moment) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def contest_payload(contest) -> dict:
    phase = selectors.phase_of(contest)
    return {
        "slug": contest.slug, "title": contest.title, "theme": contest.theme, "rules": contest.rules,
        "phase": phase, "opens_at": _iso(contest.opens_at), "closes_at": _iso(contest.closes_at),
        "judging_ends_at": _iso(contest.judging_ends_at), "max_entries_per_artist": contest.max_entries_per_artist,
        "winners_count": contest.winners_count, "results_published_at": _iso(contest.results_published_at),
        "rubric": [{"id": c.pk, "name": c.name, "description": c.description, "weight": c.weight}
                   for c in contest.criteria.all()],
    }


def blind_entry_payload(entry) -> dict:
    """What anyone may see of an entry before results: never who made it, nor its clip's media path."""
    clip, args = entry.clip, [entry.contest.slug, entry.pk]
    return {"id": str(entry.pk), "label": entry.label, "prompt": clip.job.prompt,
            "video_url": reverse("contest_entry_media", args=[*args, "video"]),
            "poster_url": reverse("contest_entry_media", args=[*args, "poster"]),
            "width": clip.width, "height": clip.height, "duration_s": clip.duration_s}


def standing_payload(standing) -> dict:
    result = standing.result
    return {**blind_entry_payload(standing.entry), "rank": result.rank, "winner": standing.winner,
            "artist": standing.entry.artist.credit_name, "clip_id": str(standing.entry.clip_id),
            "score": result.score_display if result.score is not None else None, "judges": result.judges,
            "criterion_means": {str(k): f"{float(v):.2f}" for k, v in result.criterion_means.items()}}


def own_entry_payload(entry) -> dict:
    """An artist's own entry, with its rank, scores and comments once results are published."""
    phase = selectors.phase_of(entry.contest)
    data = {"id": str(entry.pk), "label": entry.label, "contest": entry.contest.slug, "clip_id": str(entry.clip_id),
            "status": entry.status, "entered_at": _iso(entry.entered_at), "withdrawn_at": _iso(entry.withdrawn_at),
            "removed_at": _iso(entry.removed_at), "contest_phase": phase, "feedback": None}
    if phase == Phase.RESULTS and entry.status == EntryStatus.ACTIVE:
        standing = selectors.standing_of(entry.contest, entry)
        data["feedback"] = {
            "rank": standing.result.rank if standing else None,
            "score": standing.result.score_display if standing and standing.result.score is not None else None,
            "scorecards": [{"judge": f.judge_label, "comment": f.comment,
                            "scores": {c.name: value for c, value in f.marks}} for f in selectors.feedback_for(entry)],
        }
    return data


def _contest(slug):
    contest = selectors.contest_by_slug(slug)
    if contest is None:
        raise Http404
    return contest


class ContestList(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=OpenApiTypes.OBJECT, operation_id="contests_list")
    def get(self, request):
        return Response({"results": [contest_payload(c) for c in selectors.contests_listed()]})


class ContestDetail(APIView):
    """Rules, rubric and dates; anonymous entries after close; the ranking after publication."""

    permission_classes = [AllowAny]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, slug):
        contest = _contest(slug)
        data = contest_payload(contest)
        data["entries"], data["results"] = [], None
        if data["phase"] in (Phase.JUDGING, Phase.AWAITING_RESULTS):
            data["entries"] = [blind_entry_payload(e) for e in selectors.entries_in_contest(contest)]
        if data["phase"] == Phase.RESULTS:
            data["results"] = [standing_payload(s) for s in selectors.standings(contest)]
        return Response(data)


class EntrySerializer(serializers.Serializer):
    clip = serializers.UUIDField()


class ContestEntries(APIView):
    """POST {"clip": id} to enter your published clip; GET your entries in this contest."""

    required_scopes = {"POST": "contests:write"}

    @extend_schema(responses=OpenApiTypes.OBJECT, operation_id="contest_entries_list")
    def get(self, request, slug):
        contest = _contest(slug)
        return Response({"results": [own_entry_payload(e) for e in selectors.entries_of_artist(request.user)
                                     if e.contest_id == contest.pk]})

    @extend_schema(request=EntrySerializer, responses={201: OpenApiTypes.OBJECT})
    def post(self, request, slug):
        contest = _contest(slug)
        serializer = EntrySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = services.entry_create(contest_id=contest.pk, clip_id=serializer.validated_data["clip"],
                                      artist=request.user, request=request._request)
        return Response(own_entry_payload(entry), status=status.HTTP_201_CREATED)


class ContestEntryWithdraw(APIView):
    """DELETE your entry: it leaves the contest (only before it closes)."""

    required_scopes = {"DELETE": "contests:write"}

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def delete(self, request, slug, entry_id):
        contest = _contest(slug)
        if not Entry.objects.filter(pk=entry_id, contest=contest).exists():
            raise Http404
        try:
            entry = services.entry_withdraw(entry_id=entry_id, artist=request.user, request=request._request)
        except Entry.DoesNotExist:
            raise Http404 from None
        return Response(own_entry_payload(entry))


class MyEntries(APIView):
    """Every entry of yours, in any state, with feedback where results are published."""

    required_scopes = ("contests:write", "clips:read")

    @extend_schema(responses=OpenApiTypes.OBJECT, operation_id="contest_entries_mine")
    def get(self, request):
        return Response({"results": [own_entry_payload(e) for e in selectors.entries_of_artist(request.user)]})


class ScorecardSerializer(serializers.Serializer):
    scores = serializers.DictField(child=serializers.IntegerField(), allow_empty=False)
    comment = serializers.CharField(max_length=judging.MAX_COMMENT_CHARS, allow_blank=True)


def _judge_contest(request, slug):
    contest = _contest(slug)
    if not selectors.is_judge(request.user, contest):
        raise PermissionDenied("Only this contest's judges can judge it.")
    return contest


class JudgingEntries(APIView):
    """A judge's blind list: entries (own ones left out: recused) with the judge's own scores."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, slug):
        contest = _judge_contest(request, slug)
        phase = selectors.phase_of(contest)
        entries = selectors.entries_for_judge(contest, request.user) if phase != Phase.UPCOMING else []
        return Response({
            "contest": contest_payload(contest), "recused": selectors.recused_count(contest, request.user),
            "results": [{**blind_entry_payload(e),
                         "my_scores": {str(k): v for k, v in e.my_marks.items()} or None,
                         "my_comment": e.my_scorecard.comment if e.my_scorecard else None} for e in entries],
        })


class JudgingScore(APIView):
    """PUT {"scores": {criterion id: 1-10, ...}, "comment": "..."}: save or revise your scorecard."""

    @extend_schema(request=ScorecardSerializer, responses=OpenApiTypes.OBJECT)
    def put(self, request, slug, entry_id):
        contest = _judge_contest(request, slug)
        if not Entry.objects.filter(pk=entry_id, contest=contest).exists():
            raise Http404
        serializer = ScorecardSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            card = judging.scorecard_submit(entry_id=entry_id, judge=request.user, request=request._request,
                                            marks=serializer.validated_data["scores"],
                                            comment=serializer.validated_data["comment"])
        except Entry.DoesNotExist:
            raise Http404 from None
        return Response({"entry": str(card.entry_id), "comment": card.comment,
                         "scores": {str(s.criterion_id): s.value for s in card.scores.all()}})
