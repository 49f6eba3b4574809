"""Schema descriptions for API views of other apps that do not declare their own serializers.

drf-spectacular cannot guess what a plain APIView returns; without this, those operations would
have no documented body and `check --deploy` would warn. An app that adds `extend_schema` to its
own view can drop its line here.
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiViewExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers

from generation.api import ClipSerializer

ReviewSerializer = inline_serializer("Review", {
    "clip": ClipSerializer(), "requested_at": serializers.DateTimeField(), "age_hours": serializers.FloatField(),
    "overdue": serializers.BooleanField(), "is_appeal": serializers.BooleanField(),
    "appeal_message": serializers.CharField(allow_null=True),
    "flagged": serializers.ListField(child=serializers.CharField()),
    "claimed_by": serializers.CharField(allow_null=True), "claimed_until": serializers.DateTimeField(allow_null=True),
})
ReviewPage = inline_serializer("ReviewPage", {
    "count": serializers.IntegerField(), "next": serializers.CharField(allow_null=True),
    "previous": serializers.CharField(allow_null=True), "results": ReviewSerializer.__class__(many=True),
})


def _approvals(name: str):
    from approvals import api

    return getattr(api, name)


def _contests(name: str):
    from contests import api

    return getattr(api, name)


def _describe(target: str, decorator) -> None:
    """Register an OpenApiViewExtension that documents `target` (a dotted view path) with `decorator`."""

    def view_replacement(self):
        return decorator(type(self.target_class.__name__, (self.target_class,), {}))

    type(f"Schema_{target.replace('.', '_')}", (OpenApiViewExtension,),
         {"target_class": target, "view_replacement": view_replacement})


_describe("approvals.api.ReviewQueue", extend_schema_view(get=extend_schema(responses=ReviewPage, operation_id="reviews_list")))
_describe("approvals.api.ReviewClaim", extend_schema(request=None, responses=ReviewSerializer))
_describe("approvals.api.ReviewDecide", extend_schema(request=_approvals("DecisionSerializer"), responses=ClipSerializer))
_describe("approvals.api.ClipAppeal", extend_schema(request=_approvals("AppealSerializer"),
                                                    responses={202: ClipSerializer}))
_describe("approvals.api.ClipWithdraw", extend_schema(request=None, responses=ClipSerializer))
_describe("approvals.api.ClipTakeDown", extend_schema(request=_approvals("TakeDownSerializer"), responses=ClipSerializer))

_describe("contests.api.ContestList", extend_schema_view(
    get=extend_schema(responses=OpenApiTypes.OBJECT, operation_id="contests_list")))
_describe("contests.api.ContestDetail", extend_schema(responses=OpenApiTypes.OBJECT))
_describe("contests.api.ContestEntries", extend_schema_view(
    get=extend_schema(responses=OpenApiTypes.OBJECT, operation_id="contest_entries_list"),
    post=extend_schema(request=_contests("EntrySerializer"), responses={201: OpenApiTypes.OBJECT}),
))
_describe("contests.api.ContestEntryWithdraw", extend_schema(responses=OpenApiTypes.OBJECT))
_describe("contests.api.MyEntries", extend_schema_view(
    get=extend_schema(responses=OpenApiTypes.OBJECT, operation_id="contest_entries_mine")))
_describe("contests.api.JudgingEntries", extend_schema(responses=OpenApiTypes.OBJECT))
_describe("contests.api.JudgingScore", extend_schema(request=_contests("ScorecardSerializer"),
                                                     responses=OpenApiTypes.OBJECT))
