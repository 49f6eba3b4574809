"""REST API v1: an artist's consent to each use of their clips."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from artists import selectors
from artists.api.common import _require_artist
from artists.consent import consent_grant, consent_revoke
from artists.models import Use

# ---------------------------------------------------------------- consent


class ConsentUseOutputSerializer(serializers.Serializer):
    use = serializers.ChoiceField(choices=Use.choices)
    label = serializers.CharField()
    terms_version = serializers.SerializerMethodField(help_text="The current terms' version; null: no terms yet.")
    terms_text = serializers.SerializerMethodField()
    consented = serializers.SerializerMethodField(help_text="An active consent exists (maybe under older terms).")
    consented_version = serializers.SerializerMethodField()
    granted_at = serializers.SerializerMethodField()
    current = serializers.BooleanField(help_text="The consent is under the current terms: the use may rely on it.")

    def get_terms_version(self, row) -> int | None:
        return row["terms"].version if row["terms"] else None

    def get_terms_text(self, row) -> str | None:
        return row["terms"].text if row["terms"] else None

    def get_consented(self, row) -> bool:
        return row["consent"] is not None

    def get_consented_version(self, row) -> int | None:
        return row["consent"].terms.version if row["consent"] else None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_granted_at(self, row):
        return row["consent"].granted_at.isoformat() if row["consent"] else None


class ConsentClipOutputSerializer(serializers.Serializer):
    clip = serializers.UUIDField(source="clip.id")
    prompt = serializers.CharField(source="clip.job.prompt")
    uses = ConsentUseOutputSerializer(many=True)


class ConsentListApi(APIView):
    """For each of your published clips: each use, its current terms and your consent."""

    required_scopes = "clips:read"
    OutputSerializer = ConsentClipOutputSerializer

    @extend_schema(summary="Your consents", operation_id="consent_list", responses=OutputSerializer(many=True))
    def get(self, request):
        _require_artist(request)
        return Response(self.OutputSerializer(selectors.consent_table(artist=request.user), many=True).data)


def _consent_row(artist, clip_id) -> dict:
    return next(row for row in selectors.consent_table(artist=artist) if str(row["clip"].id) == str(clip_id))


class ConsentGrantApi(APIView):
    """Consent to one use of one of your published clips, under the terms version you read."""

    required_scopes = "clips:write"

    class InputSerializer(serializers.Serializer):
        clip = serializers.UUIDField()
        use = serializers.ChoiceField(choices=Use.choices)
        terms_version = serializers.IntegerField(min_value=1, max_value=2**31 - 1)

    OutputSerializer = ConsentClipOutputSerializer

    @extend_schema(
        summary="Give consent", operation_id="consent_create", request=InputSerializer, responses=OutputSerializer
    )
    def post(self, request):
        _require_artist(request)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        consent_grant(
            clip_id=data["clip"],
            artist=request.user,
            use=data["use"],
            terms_version=data["terms_version"],
            request=request._request,
        )
        return Response(self.OutputSerializer(_consent_row(request.user, data["clip"])).data)


class ConsentRevokeApi(APIView):
    """Revoke your consent to one use of one of your clips, for all future use."""

    required_scopes = "clips:write"

    class InputSerializer(serializers.Serializer):
        clip = serializers.UUIDField()
        use = serializers.ChoiceField(choices=Use.choices)

    class OutputSerializer(serializers.Serializer):
        revoked = serializers.BooleanField(help_text="False: there was no active consent to revoke.")

    @extend_schema(
        summary="Revoke consent",
        operation_id="consent_revoke_create",
        request=InputSerializer,
        responses=OutputSerializer,
    )
    def post(self, request):
        _require_artist(request)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        revoked = consent_revoke(clip_id=data["clip"], artist=request.user, use=data["use"], request=request._request)
        return Response(self.OutputSerializer({"revoked": revoked}).data)
