"""Serve clip media through a permission check.

Unpublished media answers 404 to anyone but its artist and moderators, also at its raw
/media/ URL. A Bearer token opens media only with the `clips:read` scope (403 without it). Published
media is public and cacheable for a few minutes at most, with revalidation (ETag): its versioned URL
(`?v=`, Clip.media_url) for MEDIA_PUBLIC_MAX_AGE seconds, the plain path only after a check each time. When
the clip leaves publication its versioned URLs answer 404 for good, whatever a cache or a page still holds,
and the hooks named in MEDIA_PURGE_HOOKS are told its paths (to purge a CDN in front of S3).

Who sends the bytes, once the request is authorised:
- S3 storage: the client, redirected to a short-lived signed URL (generation.storage.SignedS3Storage);
- MEDIA_HANDOFF = "x-accel": nginx, told by `X-Accel-Redirect: MEDIA_ACCEL_PREFIX + path` to serve the
  file from an `internal` location (it does Range, ETag and 304 itself); "x-sendfile": Apache's
  mod_xsendfile or lighttpd, told the file's absolute path by `X-Sendfile`;
- "none" (development, `make run`): this view, with Range (206, 416), If-Range and ETag.
The web process then never streams a video in production: it answers with headers only.
"""

from __future__ import annotations

import logging
import mimetypes
import re
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.services.tokens import MEDIA_SCOPE
from core.audit import audit_record
from generation.models import Clip
from generation.selectors import clip_for_media_path

log = logging.getLogger(__name__)

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_CHUNK = 64 * 1024
_MEDIA_FIELDS = ("video", "poster", "preview", "contact_sheet", "conditioning_image")


def _iter_range(handle, start: int, length: int):
    handle.seek(start)
    remaining = length
    try:
        while remaining > 0:
            data = handle.read(min(_CHUNK, remaining))
            if not data:
                break
            remaining -= len(data)
            yield data
    finally:
        handle.close()


def _requester(request):
    """(user, refusal): the signed-in user, or the owner of a valid API token sent as `Authorization:
    Bearer`; a token without the clips:read scope gets a 403 refusal instead."""
    if request.user.is_authenticated or not request.headers.get("Authorization"):
        return request.user, None
    from rest_framework.exceptions import APIException
    from rest_framework.request import Request

    from accounts.api_auth import BearerTokenAuthentication

    try:
        result = BearerTokenAuthentication().authenticate(Request(request))
    except APIException:
        return request.user, None  # a bad token sees only what anyone sees
    if not result:
        return request.user, None
    user, token = result
    if MEDIA_SCOPE not in (token.scopes or []):
        audit_record(
            action="access.denied",
            actor=user,
            request=request,
            obj=token,
            detail={"reason": "scope", "scope": MEDIA_SCOPE, "path": request.path[:200]},
        )
        message = _("This token lacks the '%(scope)s' scope, which media needs.") % {"scope": MEDIA_SCOPE}
        refusal = HttpResponse(message, status=403, content_type="text/plain; charset=utf-8")
        refusal["Cache-Control"] = "no-store"
        return user, refusal
    return user, None


def _not_found() -> HttpResponse:
    response = HttpResponse(_("No such file."), status=404, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"  # a cache must not remember the refusal either
    return response


def _cache_headers(response: HttpResponse, *, clip: Clip, versioned: bool, etag: str) -> None:
    if etag:
        response["ETag"] = etag  # also on private media: If-Range needs it to resume a download safely
    if not clip.is_public:
        response["Cache-Control"] = "private, no-store"
        return
    if versioned:
        response["Cache-Control"] = f"public, max-age={settings.MEDIA_PUBLIC_MAX_AGE}, must-revalidate"
    else:
        response["Cache-Control"] = "public, no-cache"  # stored, but checked again before every use


def _range_or_none(request, *, etag: str, size: int) -> tuple[int, int] | None | HttpResponse:
    """The byte range asked for, None for the whole file, or a 416 answer. An `If-Range` that is not the
    file's current ETag (a strong comparison) means "send it all": the client's copy is of another file."""
    match = _RANGE.match(request.headers.get("Range", "").strip())
    if not (match and (match.group(1) or match.group(2))):
        return None
    if_range = request.headers.get("If-Range")
    if if_range is not None and (if_range.strip() != etag or if_range.strip().startswith("W/")):
        return None
    first, last = match.groups()
    if first:
        start, end = int(first), int(last) if last else size - 1
    else:
        start, end = max(0, size - int(last)), size - 1
    end = min(end, size - 1)
    if start > end or start >= size:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    return start, end


def _hand_off(path: str, local_path: str, *, clip: Clip, versioned: bool, content_type: str) -> HttpResponse:
    """An empty answer telling the front server which file to send (it does Range, ETag and 304 itself)."""
    response = HttpResponse(content_type=content_type)
    if settings.MEDIA_HANDOFF == "x-accel":
        response["X-Accel-Redirect"] = quote(settings.MEDIA_ACCEL_PREFIX + path)
    else:  # x-sendfile
        response["X-Sendfile"] = local_path
    _cache_headers(response, clip=clip, versioned=versioned, etag="")
    if "ETag" in response:
        del response["ETag"]  # the front server's own, from the file
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def media_serve(request, path: str):
    """Serve a stored clip file if the requester may see its clip; 404 otherwise (also for a versioned
    URL of a publication that has ended). The file itself comes from S3 (a signed URL), the front server
    (MEDIA_HANDOFF) or, in development, from this view with Range, If-Range and ETag."""
    user, refusal = _requester(request)
    if refusal is not None:
        return refusal
    clip = clip_for_media_path(user=user, path=path)
    if clip is None:
        if user.is_authenticated:
            audit_record(action="access.denied", actor=user, request=request, detail={"path": path[:200]})
        return _not_found()
    version = request.GET.get("v")
    if version is not None and version != clip.media_version:
        return _not_found()  # the URL of a publication that has ended (taken down, withdrawn, republished)
    versioned = version is not None
    try:
        local_path = default_storage.path(path)
    except NotImplementedError:  # remote storage (S3): a short-lived signed URL
        response = HttpResponseRedirect(default_storage.url(path))
        response["Cache-Control"] = "private, no-store"
        return response
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    if settings.MEDIA_HANDOFF != "none":
        return _hand_off(path, local_path, clip=clip, versioned=versioned, content_type=content_type)
    try:
        size = default_storage.size(path)
    except FileNotFoundError:  # the row names a file the storage no longer has: missing, not a server error
        log.warning("clip %s: media file %s is missing from storage", clip.pk, path)
        return _not_found()
    etag = f'"{clip.media_key[:16]}-{clip.media_version or "p"}-{size}"'
    if clip.is_public and etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponse(status=304)
        _cache_headers(response, clip=clip, versioned=versioned, etag=etag)
        return response
    wanted = _range_or_none(request, etag=etag, size=size)
    if isinstance(wanted, HttpResponse):
        return wanted
    if wanted is not None:
        start, end = wanted
        length = end - start + 1
        response = StreamingHttpResponse(
            _iter_range(default_storage.open(path, "rb"), start, length), status=206, content_type=content_type
        )
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(length)
    else:
        response = FileResponse(default_storage.open(path, "rb"), content_type=content_type)
        response["Content-Length"] = str(size)
    response["Accept-Ranges"] = "bytes"
    _cache_headers(response, clip=clip, versioned=versioned, etag=etag)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def media_purge_on_leave(sender=None, *, clip_id, **kwargs) -> None:
    """When a clip leaves publication, tell each MEDIA_PURGE_HOOKS hook its media paths (a CDN purge);
    a failing hook is logged, never raised: the takedown itself has happened."""
    hooks = settings.MEDIA_PURGE_HOOKS
    clip = Clip.objects.filter(pk=clip_id).first()
    if not hooks or clip is None:
        return
    paths = [getattr(clip, name).name for name in _MEDIA_FIELDS if getattr(clip, name)]
    for dotted in hooks:
        try:
            import_string(dotted)(paths=paths)
        except Exception:
            log.exception("Media purge hook %s failed for clip %s", dotted, clip_id)
