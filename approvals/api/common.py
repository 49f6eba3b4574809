"""What the approvals app's API views share: the clause and decision shapes, and the role and visibility checks."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from approvals import selectors
from core.api.fields import IsoDateTimeField
from core.permissions import require_role
from generation.models import Clip
from generation.selectors import clip_visible_or_none


class ClauseOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    text = serializers.CharField()


class DecisionOutputSerializer(serializers.Serializer):
    """A moderator's decision on a clip, as its artist reads it: what, under which clause, and why."""

    decision = serializers.CharField(help_text="approve, changes, reject or take_down.")
    label = serializers.CharField(source="get_decision_display")
    is_appeal = serializers.BooleanField(help_text="The decision on an appeal (final).")
    clause = ClauseOutputSerializer(allow_null=True)
    reason = serializers.CharField()
    decided_at = IsoDateTimeField()


class DecisionHistoryOutputSerializer(DecisionOutputSerializer):
    """One decision in a clip's history: the clause (id and text), the reason, who decided as a role, when."""

    decided_by = serializers.SerializerMethodField(
        help_text="The role of whoever decided: moderator or admin (never a name)."
    )

    @extend_schema_field(serializers.ChoiceField(choices=["moderator", "admin"]))
    def get_decided_by(self, review) -> str:
        return selectors.decider_role(review)


def _moderator_only(request) -> None:
    require_role(request, "moderator", "Only moderators can review clips.", audit=True)


def _visible(request, clip_id) -> Clip:
    clip = clip_visible_or_none(user=request.user, clip_id=clip_id)
    if clip is None:
        raise Http404
    return clip
