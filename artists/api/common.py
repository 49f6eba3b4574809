"""What the artists app's API views share: the error shape, body limits and role checks."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework.exceptions import PermissionDenied

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
