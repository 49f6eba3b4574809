"""Serve clip media through a permission check.

Unpublished media answers 404 to anyone but its artist and moderators, also at its raw
/media/ URL. Published media is public and cacheable. Range requests are honoured so that
browsers can seek. With S3 storage the view redirects to a short-lived signed URL instead.
"""

from __future__ import annotations

import mimetypes
import re

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.views.decorators.http import require_safe

from core.audit import audit_record
from generation.selectors import clip_for_media_path

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_CHUNK = 64 * 1024


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
    """The signed-in user, or the owner of a valid API token sent as `Authorization: Bearer`."""
    if request.user.is_authenticated or not request.headers.get("Authorization"):
        return request.user
    from rest_framework.exceptions import APIException
    from rest_framework.request import Request

    from accounts.api_auth import BearerTokenAuthentication

    try:
        result = BearerTokenAuthentication().authenticate(Request(request))
    except APIException:
        return request.user  # a bad token sees only what anyone sees
    return result[0] if result else request.user


@require_safe
def media_serve(request, path: str):
    """Stream a stored clip file if the requester may see its clip; 404 otherwise."""
    user = _requester(request)
    clip = clip_for_media_path(user=user, path=path)
    if clip is None:
        if user.is_authenticated:
            audit_record(action="access.denied", actor=user, request=request, detail={"path": path[:200]})
        raise Http404("No such file.")
    public = clip.is_public
    cache = "public, max-age=86400" if public else "private, no-store"
    try:
        default_storage.path(path)
    except NotImplementedError:  # remote storage (S3): a short-lived signed URL
        response = HttpResponseRedirect(default_storage.url(path))
        response["Cache-Control"] = "private, no-store"
        return response
    size = default_storage.size(path)
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    match = _RANGE.match(request.headers.get("Range", "").strip())
    if match and (match.group(1) or match.group(2)):
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
    response["Cache-Control"] = cache
    response["X-Content-Type-Options"] = "nosniff"
    return response
