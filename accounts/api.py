"""REST API v1: your personal tokens (list, revoke), who you are, and invitations (moderators, admins)."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import ApiToken, Invitation, Role
from accounts.preferences import preferences_set
from accounts.services.invitations import invitable_roles, invitation_create
from accounts.services.tokens import SCOPES, token_revoke
from core import clock
from core.timezones import zone_named


class TokenOutputSerializer(serializers.ModelSerializer):
    """A personal token as its owner sees it (never the secret); `context["current"]`: the token in use."""

    state = serializers.ChoiceField(choices=["active", "revoked", "suspended", "expired"], read_only=True)
    scopes = serializers.ListField(child=serializers.ChoiceField(choices=list(SCOPES)), read_only=True)
    is_current = serializers.SerializerMethodField()

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "prefix",
            "scopes",
            "state",
            "created_at",
            "expires_at",
            "revoked_at",
            "suspended_at",
            "suspended_reason",
            "last_used_at",
            "last_used_ip",
            "is_current",
        ]
        read_only_fields = fields

    def get_is_current(self, token) -> bool:
        return token.pk == getattr(self.context.get("current"), "pk", None)


def _current(request):
    return {"current": request.auth if isinstance(request.auth, ApiToken) else None}


class TokenListApi(generics.GenericAPIView):
    """Your API tokens, newest first; the secret is never shown again."""

    required_scopes = "tokens"
    OutputSerializer = TokenOutputSerializer
    serializer_class = OutputSerializer

    def get_queryset(self):
        return ApiToken.objects.filter(user=self.request.user).order_by("-created_at", "-id")

    @extend_schema(summary="List your tokens", responses=OutputSerializer(many=True), operation_id="tokens_list")
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.OutputSerializer(page, many=True, context=_current(request)).data)


class TokenRevokeApi(APIView):
    required_scopes = "tokens"
    OutputSerializer = TokenOutputSerializer

    @extend_schema(
        request=None,
        responses=OutputSerializer,
        summary="Revoke one of your tokens (at once)",
        operation_id="tokens_revoke_create",
    )
    def post(self, request, token_id: int):
        try:
            token = token_revoke(token_id=token_id, user=request.user, request=request._request)
        except ApiToken.DoesNotExist:
            raise Http404 from None
        return Response(self.OutputSerializer(token, context=_current(request)).data)


class MeOutputSerializer(serializers.Serializer):
    username = serializers.CharField()
    credit_name = serializers.CharField(help_text="The name shown on your published clips.")
    token_scopes = serializers.ListField(
        child=serializers.CharField(),
        allow_null=True,
        help_text="The scopes of the token in use; null for a web session.",
    )


class MeRetrieveApi(APIView):
    """Who you are: the account the token (or session) belongs to. Costs the authentication and nothing
    else, so it is also the baseline `bench/web_bench.py` compares the other reads with."""

    required_scopes = tuple(SCOPES)  # any scope will do
    OutputSerializer = MeOutputSerializer

    @extend_schema(responses=OutputSerializer, summary="The account you are signed in as", operation_id="me_retrieve")
    def get(self, request):
        token = request.auth if isinstance(request.auth, ApiToken) else None
        data = {
            "username": request.user.username,
            "credit_name": request.user.credit_name,
            "token_scopes": list(token.scopes or []) if token else None,
        }
        return Response(self.OutputSerializer(data).data)


class InvitationOutputSerializer(serializers.ModelSerializer):
    state = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "state", "created_at", "expires_at", "accepted_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=["pending", "accepted", "expired"]))
    def get_state(self, invitation) -> str:
        if invitation.accepted_at is not None:
            return "accepted"
        return "expired" if invitation.expires_at <= clock.now() else "pending"


class IssuedInvitationOutputSerializer(InvitationOutputSerializer):
    accept_url = serializers.SerializerMethodField(help_text="The single-use sign-up link, shown this once.")

    class Meta(InvitationOutputSerializer.Meta):
        fields = [*InvitationOutputSerializer.Meta.fields, "accept_url"]
        read_only_fields = fields

    def get_accept_url(self, invitation) -> str:
        return self.context["url"]


def _require_inviter(request) -> None:
    if not (request.user.has_perm("accounts.invite_users") and invitable_roles(request.user)):
        raise PermissionDenied(_("Only moderators and admins can invite."))


class InvitationListCreateApi(generics.GenericAPIView):
    """Moderators and admins: the invitations, newest first; POST {email, role} to invite someone (the link is
    emailed and answered once). The roles you may invite are those of the invitations page."""

    required_scopes = "review"

    class InputSerializer(serializers.Serializer):
        email = serializers.EmailField(max_length=254)
        role = serializers.ChoiceField(choices=Role.choices, required=False, default=Role.ARTIST)

    OutputSerializer = InvitationOutputSerializer
    serializer_class = OutputSerializer

    def get_queryset(self):
        return Invitation.objects.order_by("-created_at", "-id")

    @extend_schema(summary="Invitations", operation_id="invitations_list", responses=OutputSerializer(many=True))
    def get(self, request):
        _require_inviter(request)
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.OutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Invite someone",
        operation_id="invitations_create",
        request=InputSerializer,
        responses={201: IssuedInvitationOutputSerializer},
    )
    def post(self, request):
        _require_inviter(request)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        issued = invitation_create(invited_by=request.user, request=request._request, **serializer.validated_data)
        data = IssuedInvitationOutputSerializer(issued.invitation, context={"url": issued.url}).data
        return Response(data, status=status.HTTP_201_CREATED)


class AccountPreferencesUpdateApi(APIView):
    """Your language (en, de; empty: follow Accept-Language) and time zone (an IANA name; empty: the
    browser's), as the header's switch and the account page set them."""

    required_scopes = tuple(SCOPES)  # any scope will do: it changes only how the site speaks to you

    class InputSerializer(serializers.Serializer):
        language = serializers.ChoiceField(choices=[("", ""), *settings.LANGUAGES], required=False, allow_blank=True)
        time_zone = serializers.CharField(max_length=64, required=False, allow_blank=True)

        def validate_time_zone(self, value: str) -> str:
            if value and zone_named(value) is None:
                raise serializers.ValidationError(_("This is not a time zone we know, such as Europe/Berlin."))
            return value

    class OutputSerializer(serializers.Serializer):
        language = serializers.CharField()
        time_zone = serializers.CharField()

    @extend_schema(
        summary="Set your language and time zone",
        operation_id="me_preferences_update",
        request=InputSerializer,
        responses=OutputSerializer,
    )
    def patch(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        preferences_set(user=request.user, **serializer.validated_data)
        return Response(self.OutputSerializer(request.user).data)
