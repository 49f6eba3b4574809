"""REST API v1: an artist's feedback, ledger, consent, exports and public profile; moderators' feedback triage
and changelog.

The same services as the pages (artists.feedback, artists.ledger, artists.consent, artists.exports,
artists.accounts): a view validates shape with its `InputSerializer`, calls the service, and answers with its
`OutputSerializer`. Scopes: reads need `clips:read`, an artist's writes `clips:write`, moderators' writes
`review`; the roles are those of the pages (403 with the page's reason otherwise).
"""

from __future__ import annotations

import base64
import binascii
import csv

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import APIException, NotAuthenticated, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api_auth import HasScope
from artists import selectors
from artists.accounts import profile_update
from artists.consent import consent_grant, consent_revoke, promo_use_record
from artists.exports import export_for_download, export_request, ledger_csv_rows
from artists.feedback import MAX_ATTACHMENTS, changelog_add, feedback_create, feedback_triage
from artists.ledger import DESK_ACTIONS, balance_of, ledger_desk_record
from artists.models import ExportStatus, FeedbackKind, FeedbackStatus, Use
from core.api.fields import IsoDateTimeField
from core.permissions import has_role

ERROR = OpenApiResponse(response=OpenApiTypes.OBJECT, description="The error shape: {detail, code}.")
#: The largest image a JSON body carries (base64 inflates it by a third; the JSON body limit still applies).
MAX_IMAGE_BYTES = 768 * 1024
#: The largest id a body may name (a 64-bit key): larger numbers are a 400, not a database overflow.
MAX_ID = 2**63 - 1


def _require_artist(request) -> None:
    if not has_role(request.user, "artist"):
        raise PermissionDenied(_("Only artists have this."))


def _require_moderator(request) -> None:
    if not has_role(request.user, "moderator"):
        raise PermissionDenied(_("Only moderators triage feedback."))


# ---------------------------------------------------------------- feedback


class AttachmentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    content_type = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    size_bytes = serializers.IntegerField()
    url = serializers.SerializerMethodField(help_text="The file, for its artist and moderators (a download).")

    def get_url(self, attachment) -> str:
        return reverse("api_feedback_attachment", args=[attachment.feedback_id, attachment.pk])


class FeedbackItemOutputSerializer(serializers.Serializer):
    """A feedback item with the moderators' response (empty until triaged)."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=FeedbackKind.choices)
    title = serializers.CharField()
    text = serializers.CharField()
    clip = serializers.UUIDField(source="clip_id", allow_null=True)
    credit = serializers.BooleanField()
    status = serializers.ChoiceField(choices=FeedbackStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    response = serializers.CharField(help_text="The moderators' answer; empty until the item is triaged.")
    duplicate_of = serializers.IntegerField(source="duplicate_of_id", allow_null=True)
    triaged_at = IsoDateTimeField(allow_null=True)
    created_at = IsoDateTimeField()
    attachments = AttachmentOutputSerializer(many=True, source="attachments.all")


class ImageInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    data = serializers.CharField(help_text="The image file, base64. PNG, JPEG or WebP; checked by content.")

    def validate_data(self, value):
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise serializers.ValidationError(_("Send the image as base64.")) from None
        if not raw:
            raise serializers.ValidationError(_("The image is empty."))
        if len(raw) > MAX_IMAGE_BYTES:
            raise serializers.ValidationError(
                _("The image is larger than %(limit)d bytes.") % {"limit": MAX_IMAGE_BYTES}
            )
        return raw


class FeedbackListCreateApi(generics.GenericAPIView):
    """GET your feedback items, newest first; POST a new one (an artist)."""

    required_scopes = {"GET": "clips:read", "POST": "clips:write"}

    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=FeedbackKind.choices)
        title = serializers.CharField(max_length=120)
        text = serializers.CharField(max_length=5000)
        clip = serializers.UUIDField(required=False, allow_null=True, default=None, help_text="One of your clips.")
        credit = serializers.BooleanField(required=False, default=True)
        images = ImageInputSerializer(many=True, required=False, default=list, max_length=MAX_ATTACHMENTS)

    OutputSerializer = FeedbackItemOutputSerializer
    serializer_class = OutputSerializer

    @extend_schema(summary="Your feedback items", operation_id="feedback_list", responses=OutputSerializer(many=True))
    def get(self, request):
        _require_artist(request)
        page = self.paginate_queryset(selectors.feedback_of(artist=request.user))
        return self.get_paginated_response(self.OutputSerializer(page, many=True).data)

    @extend_schema(
        summary="File feedback",
        operation_id="feedback_create",
        request=InputSerializer,
        responses={201: OutputSerializer},
    )
    def post(self, request):
        _require_artist(request)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        item = feedback_create(
            artist=request.user,
            kind=data["kind"],
            title=data["title"],
            text=data["text"],
            clip_id=data["clip"],
            images=[(image["name"], image["data"]) for image in data["images"]],
            credit=data["credit"],
            request=request._request,
        )
        item = selectors.feedback_visible(user=request.user, feedback_id=item.pk)
        return Response(self.OutputSerializer(item).data, status=status.HTTP_201_CREATED)


class FeedbackDetailApi(APIView):
    """One feedback item with its response, for its artist or a moderator."""

    required_scopes = ("clips:read", "review")
    OutputSerializer = FeedbackItemOutputSerializer

    @extend_schema(
        summary="A feedback item and its response", operation_id="feedback_retrieve", responses=OutputSerializer
    )
    def get(self, request, feedback_id: int):
        item = selectors.feedback_visible(user=request.user, feedback_id=feedback_id)
        if item is None:
            raise Http404
        return Response(self.OutputSerializer(item).data)


_BINARY = OpenApiResponse(response=OpenApiTypes.BINARY, description="The image, as a download.")


class FeedbackAttachmentApi(APIView):
    """An attachment of a feedback item, to its artist and moderators, as a download that is never sniffed."""

    required_scopes = ("clips:read", "review")
    OutputSerializer = None  # a file (an image), not JSON

    @extend_schema(
        summary="A feedback attachment",
        operation_id="feedback_attachment_retrieve",
        responses={(200, kind): _BINARY for kind in ("image/png", "image/jpeg", "image/webp")},
    )
    def get(self, request, feedback_id: int, attachment_id: int):
        item = selectors.feedback_visible(user=request.user, feedback_id=feedback_id)
        attachment = item.attachments.filter(pk=attachment_id).first() if item is not None else None
        if attachment is None:
            raise Http404
        response = FileResponse(
            attachment.file.open("rb"),
            content_type=attachment.content_type,
            as_attachment=True,
            filename=f"feedback-{attachment.feedback_id}-{attachment.pk}.{attachment.extension}",
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response


class TriageListApi(generics.GenericAPIView):
    """Moderators: feedback items in one triage state (`?status=`, default new), oldest first."""

    required_scopes = "review"

    class InputSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=FeedbackStatus.choices, required=False, default=FeedbackStatus.NEW)

    OutputSerializer = FeedbackItemOutputSerializer
    serializer_class = OutputSerializer

    @extend_schema(
        summary="Feedback to triage",
        operation_id="triage_list",
        parameters=[InputSerializer],
        responses=OutputSerializer(many=True),
    )
    def get(self, request):
        _require_moderator(request)
        query = self.InputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        page = self.paginate_queryset(selectors.feedback_for_triage(status=query.validated_data["status"]))
        return self.get_paginated_response(self.OutputSerializer(page, many=True).data)


class FeedbackTriageApi(APIView):
    """Moderators: move an item to a triage state with a response its artist reads."""

    required_scopes = "review"

    class InputSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=[c for c in FeedbackStatus.choices if c[0] != FeedbackStatus.NEW])
        response = serializers.CharField(max_length=5000)
        duplicate_of = serializers.IntegerField(
            required=False, allow_null=True, default=None, min_value=1, max_value=MAX_ID
        )

    OutputSerializer = FeedbackItemOutputSerializer

    @extend_schema(
        summary="Triage a feedback item",
        operation_id="feedback_triage_create",
        request=InputSerializer,
        responses=OutputSerializer,
    )
    def post(self, request, feedback_id: int):
        _require_moderator(request)
        if selectors.feedback_visible(user=request.user, feedback_id=feedback_id) is None:
            raise Http404
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        feedback_triage(
            feedback_id=feedback_id, moderator=request.user, request=request._request, **serializer.validated_data
        )
        return Response(
            self.OutputSerializer(selectors.feedback_visible(user=request.user, feedback_id=feedback_id)).data
        )


class ChangelogOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    body = serializers.CharField()
    feedback = serializers.SerializerMethodField(help_text="The feedback items this change answers.")
    created_at = IsoDateTimeField()

    def get_feedback(self, entry) -> list[int]:
        return [item.pk for item in entry.feedback.all()]


class ChangelogListCreateApi(generics.GenericAPIView):
    """GET the public changelog, newest first; POST a change crediting feedback items (moderators)."""

    permission_classes = [HasScope]  # the list is public; a POST checks the account below
    required_scopes = {"GET": None, "POST": "review"}

    class InputSerializer(serializers.Serializer):
        title = serializers.CharField(max_length=160)
        body = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
        feedback = serializers.ListField(
            child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
            min_length=1,
            max_length=50,
            help_text="Feedback item ids.",
        )

    OutputSerializer = ChangelogOutputSerializer
    serializer_class = OutputSerializer

    @extend_schema(summary="The changelog", operation_id="changelog_list", responses=OutputSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(selectors.changelog())
        return self.get_paginated_response(self.OutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Add a change to the changelog",
        operation_id="changelog_create",
        request=InputSerializer,
        responses={201: OutputSerializer},
    )
    def post(self, request):
        if not request.user.is_authenticated:
            raise NotAuthenticated
        if not has_role(request.user, "moderator"):
            raise PermissionDenied(_("Only moderators write the changelog."))
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        entry = changelog_add(
            title=data["title"],
            body=data["body"],
            feedback_ids=data["feedback"],
            actor=request.user,
            request=request._request,
        )
        return Response(self.OutputSerializer(entry).data, status=status.HTTP_201_CREATED)


# ---------------------------------------------------------------- ledger


class LedgerEntryOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    quantity = serializers.DecimalField(max_digits=10, decimal_places=2)
    rate = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    memo = serializers.CharField()
    reference = serializers.CharField()
    reverses = serializers.IntegerField(source="reverses_id", allow_null=True)
    created_at = IsoDateTimeField()


class LedgerListApi(generics.GenericAPIView):
    """Your ledger entries, newest first, with the balance (exactly their sum)."""

    required_scopes = "clips:read"
    OutputSerializer = LedgerEntryOutputSerializer
    serializer_class = OutputSerializer

    @extend_schema(summary="Your ledger entries", operation_id="ledger_list", responses=OutputSerializer(many=True))
    def get(self, request):
        _require_artist(request)
        page = self.paginate_queryset(selectors.ledger_of(artist=request.user))
        return self.get_paginated_response(self.OutputSerializer(page, many=True).data)


class BalanceOutputSerializer(serializers.Serializer):
    balance = serializers.DecimalField(max_digits=12, decimal_places=2)


class LedgerBalanceApi(APIView):
    required_scopes = "clips:read"
    OutputSerializer = BalanceOutputSerializer

    @extend_schema(summary="Your balance", operation_id="ledger_balance_retrieve", responses=OutputSerializer)
    def get(self, request):
        _require_artist(request)
        return Response(self.OutputSerializer({"balance": balance_of(artist=request.user)}).data)


class LedgerCsvApi(APIView):
    """Your ledger as CSV, the same rows as the ledger page's download."""

    required_scopes = "clips:read"
    OutputSerializer = None  # a file (text/csv), not JSON

    @extend_schema(
        summary="Your ledger as CSV",
        operation_id="ledger_csv_retrieve",
        responses={(200, "text/csv"): OpenApiResponse(response=OpenApiTypes.STR, description="CSV, a header row.")},
    )
    def get(self, request):
        _require_artist(request)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="vernissage-ledger.csv"'
        csv.writer(response).writerows(ledger_csv_rows(selectors.ledger_of(artist=request.user)))
        return response


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


# ---------------------------------------------------------------- exports


class ExportOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=ExportStatus.choices)
    progress = serializers.FloatField()
    ready = serializers.SerializerMethodField()
    size_bytes = serializers.IntegerField()
    error = serializers.CharField()
    created_at = IsoDateTimeField()
    finished_at = IsoDateTimeField(allow_null=True)
    expires_at = IsoDateTimeField(allow_null=True)
    download_url = serializers.SerializerMethodField()

    def get_ready(self, export) -> bool:
        return export.status == ExportStatus.READY

    def get_download_url(self, export) -> str | None:
        if export.status != ExportStatus.READY:
            return None
        return reverse("api_export_download", args=[export.pk])


class ExportListCreateApi(generics.GenericAPIView):
    """GET your exports, newest first; POST to ask for a new one (one at a time), built by a worker."""

    required_scopes = {"GET": "clips:read", "POST": "clips:write"}
    OutputSerializer = ExportOutputSerializer
    serializer_class = OutputSerializer

    @extend_schema(summary="Your exports", operation_id="exports_list", responses=OutputSerializer(many=True))
    def get(self, request):
        _require_artist(request)
        page = self.paginate_queryset(selectors.exports_of(artist=request.user))
        return self.get_paginated_response(self.OutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Ask for an export of your work",
        operation_id="exports_create",
        request=None,
        responses={202: OutputSerializer},
    )
    def post(self, request):
        _require_artist(request)
        export = export_request(artist=request.user, request=request._request)
        return Response(self.OutputSerializer(export).data, status=status.HTTP_202_ACCEPTED)


def _own_export(request, export_id):
    export = selectors.exports_of(artist=request.user).filter(id=export_id).first()
    if export is None:
        raise Http404
    return export


class ExportDetailApi(APIView):
    required_scopes = "clips:read"
    OutputSerializer = ExportOutputSerializer

    @extend_schema(
        summary="An export's status and progress", operation_id="exports_retrieve", responses=OutputSerializer
    )
    def get(self, request, export_id):
        return Response(self.OutputSerializer(_own_export(request, export_id)).data)


class ExportNotReady(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "export_not_ready"


class ExportExpired(APIException):
    status_code = status.HTTP_410_GONE
    default_code = "export_expired"


class ExportDownloadApi(APIView):
    """The export's ZIP, once ready and within its lifetime: 409 while it is built, 410 once expired."""

    required_scopes = "clips:read"
    OutputSerializer = None  # a file (application/zip), not JSON

    @extend_schema(
        summary="Download an export",
        operation_id="exports_download_retrieve",
        responses={
            (200, "application/zip"): OpenApiResponse(response=OpenApiTypes.BINARY, description="The ZIP."),
            409: ERROR,
            410: ERROR,
        },
    )
    def get(self, request, export_id):
        export = _own_export(request, export_id)
        try:
            export = export_for_download(export_id=export.pk, user=request.user)
        except DjangoValidationError as exc:
            kind = ExportNotReady if export.status in (ExportStatus.QUEUED, ExportStatus.RUNNING) else ExportExpired
            if export.status == ExportStatus.FAILED:
                kind = ExportNotReady
            raise kind(exc.messages[0]) from None
        response = FileResponse(
            export.file.open("rb"),
            content_type="application/zip",
            as_attachment=True,
            filename=f"vernissage-{export.created_at:%Y%m%d}.zip",
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


# ---------------------------------------------------------------- profile


class ProfileOutputSerializer(serializers.Serializer):
    username = serializers.CharField()
    display_name = serializers.CharField(help_text="Your credit on published clips; empty: your username.")
    bio = serializers.CharField()
    links = serializers.ListField(child=serializers.CharField())
    url = serializers.CharField(help_text="Your public profile page.")


def _profile_data(user) -> dict:
    profile = getattr(user, "artist_profile", None)
    return {
        "username": user.username,
        "display_name": user.display_name,
        "bio": profile.bio if profile else "",
        "links": profile.links.splitlines() if profile and profile.links else [],
        "url": reverse("artists:profile", args=[user.username]),
    }


class ProfileApi(APIView):
    """GET your public profile; PATCH any of its fields (those left out keep their value)."""

    required_scopes = {"GET": "clips:read", "PATCH": "clips:write"}

    class InputSerializer(serializers.Serializer):
        display_name = serializers.CharField(max_length=80, required=False, allow_blank=True)
        bio = serializers.CharField(max_length=2000, required=False, allow_blank=True)
        links = serializers.ListField(
            child=serializers.CharField(max_length=200), max_length=5, required=False, help_text="http(s) links."
        )

    OutputSerializer = ProfileOutputSerializer

    @extend_schema(summary="Your public profile", operation_id="profile_retrieve", responses=OutputSerializer)
    def get(self, request):
        return Response(self.OutputSerializer(_profile_data(request.user)).data)

    @extend_schema(
        summary="Edit your public profile",
        operation_id="profile_partial_update",
        request=InputSerializer,
        responses=OutputSerializer,
    )
    def patch(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        current = _profile_data(request.user)
        data = {**current, **serializer.validated_data}
        if any("\n" in link or "\r" in link for link in data["links"]):
            raise serializers.ValidationError({"links": [_("One link per item.")]})
        profile_update(
            user=request.user,
            display_name=data["display_name"],
            bio=data["bio"],
            links="\n".join(data["links"]),
            request=request._request,
        )
        request.user.refresh_from_db()
        return Response(self.OutputSerializer(_profile_data(request.user)).data)


# ---------------------------------------------------------------- the company's side: promo kit, ledger desk


def _require_staff_or_moderator(request) -> None:
    if not (has_role(request.user, "moderator") or has_role(request.user, "staff")):
        raise PermissionDenied(_("Only the company's staff have the promo kit."))


class PromoClipOutputSerializer(serializers.Serializer):
    """A published clip whose artist consents now to the use, under the current terms."""

    id = serializers.UUIDField()
    artist = serializers.CharField(source="artist.credit_name")
    prompt = serializers.CharField(source="job.prompt")
    video_url = serializers.CharField(source="video_src")
    poster_url = serializers.CharField(source="poster_src")
    published_at = IsoDateTimeField(allow_null=True)


class PromoKitListApi(generics.GenericAPIView):
    """Staff: the clips that may be used for one use (`?use=`, default marketing) now."""

    required_scopes = "review"

    class InputSerializer(serializers.Serializer):
        use = serializers.ChoiceField(choices=Use.choices, required=False, default=Use.MARKETING)

    OutputSerializer = PromoClipOutputSerializer
    serializer_class = OutputSerializer

    @extend_schema(
        summary="The promo kit: clips consented to a use",
        operation_id="promo_kit_list",
        parameters=[InputSerializer],
        responses=OutputSerializer(many=True),
    )
    def get(self, request):
        _require_staff_or_moderator(request)
        query = self.InputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        page = self.paginate_queryset(selectors.clips_with_consent(use=query.validated_data["use"]))
        return self.get_paginated_response(self.OutputSerializer(page, many=True).data)


class PromoUseOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    clip = serializers.UUIDField(source="clip_id")
    use = serializers.ChoiceField(choices=Use.choices)
    purpose = serializers.CharField()
    terms_version = serializers.IntegerField(help_text="The terms version the artist's consent was given under.")
    created_at = IsoDateTimeField()
    video_url = serializers.CharField(source="clip.video_src", help_text="The video to use.")


class PromoUseCreateApi(APIView):
    """Staff: record one promotional use of a clip (relying on a current consent; it earns the artist)."""

    required_scopes = "review"

    class InputSerializer(serializers.Serializer):
        use = serializers.ChoiceField(choices=Use.choices)
        purpose = serializers.CharField(max_length=200)

    OutputSerializer = PromoUseOutputSerializer

    @extend_schema(
        summary="Record a promotional use",
        operation_id="promo_uses_create",
        request=InputSerializer,
        responses={201: OutputSerializer},
    )
    def post(self, request, clip_id):
        _require_staff_or_moderator(request)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        promo = promo_use_record(
            clip_id=clip_id, actor=request.user, request=request._request, **serializer.validated_data
        )
        return Response(self.OutputSerializer(promo).data, status=status.HTTP_201_CREATED)


class LedgerDeskEntryOutputSerializer(LedgerEntryOutputSerializer):
    artist = serializers.CharField(source="artist.username")


class LedgerDeskCreateApi(APIView):
    """Admins: record approved testing hours or a payout for an artist, or reverse an entry (the memo says why)."""

    required_scopes = "review"

    class InputSerializer(serializers.Serializer):
        action = serializers.ChoiceField(choices=DESK_ACTIONS)
        artist = serializers.CharField(max_length=150, required=False, default="", help_text="Username.")
        quantity = serializers.DecimalField(
            max_digits=10,
            decimal_places=2,
            required=False,
            allow_null=True,
            default=None,
            help_text="Hours (testing) or the amount (payout).",
        )
        entry = serializers.IntegerField(
            required=False, allow_null=True, default=None, min_value=1, max_value=MAX_ID, help_text="Entry to reverse."
        )
        memo = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    OutputSerializer = LedgerDeskEntryOutputSerializer

    @extend_schema(
        summary="The ledger desk: hours, payouts, reversals",
        operation_id="ledger_desk_create",
        request=InputSerializer,
        responses={201: OutputSerializer},
    )
    def post(self, request):
        if not has_role(request.user, "staff"):
            raise PermissionDenied(_("Only admins have the ledger desk."))
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        entry = ledger_desk_record(
            action=data["action"],
            artist_username=data["artist"],
            quantity=data["quantity"],
            entry_id=data["entry"],
            memo=data["memo"],
            actor=request.user,
            request=request._request,
        )
        return Response(self.OutputSerializer(entry).data, status=status.HTTP_201_CREATED)
