"""A small typed client for the Vernissage API v1, on the standard library alone.

    client = Client("https://vernissage.example.org", token="vrn_...")
    render = client.renders_create(prompt="a paper boat in the rain", duration_s=2, width=512, height=512)
    done = client.wait_for_render(render["id"])          # polls with If-None-Match: 304s cost nothing

Each method is one operation of the OpenAPI schema (`OPERATIONS` names them by operationId; a test checks
every method, path and answer's keys against /api/v1/schema). Errors raise ApiError with the API's
`{detail, code, errors}`; a 429 carries `retry_after`.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import datetime
from typing import Any, cast

from vernissage_client.errors import ApiError
from vernissage_client.types import ClipGate, Notification, Page, Quota, Render, WebhookCreated

#: operationId -> (HTTP method, path template), exactly as /api/v1/schema documents them.
OPERATIONS: dict[str, tuple[str, str]] = {
    "me_retrieve": ("GET", "/api/v1/me"),
    "quota_retrieve": ("GET", "/api/v1/quota"),
    "renders_create": ("POST", "/api/v1/renders"),
    "renders_list": ("GET", "/api/v1/renders"),
    "renders_retrieve": ("GET", "/api/v1/renders/{job_id}"),
    "renders_cancel_create": ("POST", "/api/v1/renders/{job_id}/cancel"),
    "clips_list": ("GET", "/api/v1/clips"),
    "clips_retrieve": ("GET", "/api/v1/clips/{clip_id}"),
    "clips_publication_create": ("POST", "/api/v1/clips/{clip_id}/publication"),
    "clips_appeal_create": ("POST", "/api/v1/clips/{clip_id}/appeal"),
    "clips_withdraw_create": ("POST", "/api/v1/clips/{clip_id}/withdraw"),
    "notifications_list": ("GET", "/api/v1/notifications"),
    "notifications_read_create": ("POST", "/api/v1/notifications/read"),
    "webhooks_create": ("POST", "/api/v1/webhooks"),
    "webhooks_destroy": ("DELETE", "/api/v1/webhooks/{endpoint_id}"),
    "assets_create": ("POST", "/api/v1/assets"),
}

#: A render in one of these states will not change any more.
FINAL = ("succeeded", "failed", "cancelled")


class Client:
    """One account's client: `base_url` of the site, `token` a personal API token (`vrn_...`)."""

    def __init__(
        self, base_url: str, *, token: str, timeout: float = 30.0, user_agent: str = "vernissage-client/1"
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.user_agent = user_agent
        self._etags: dict[str, tuple[str, Any]] = {}

    # ------------------------------------------------------------ transport

    def _call(
        self,
        operation: str,
        *,
        path: dict[str, str] | None = None,
        query: dict[str, str] | None = None,
        body: Any = None,
        files: dict[str, tuple[str, bytes]] | None = None,
        conditional: bool = False,
    ) -> Any:
        method, template = OPERATIONS[operation]
        url = self.base_url + template.format(**{k: urllib.parse.quote(v, safe="") for k, v in (path or {}).items()})
        if query:
            url += "?" + urllib.parse.urlencode(query)
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json", "User-Agent": self.user_agent}
        data = None
        if files:
            data, headers["Content-Type"] = _multipart(body or {}, files)
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        cached = self._etags.get(url) if conditional else None
        if cached is not None:
            headers["If-None-Match"] = cached[0]
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (the site's URL)
                payload = response.read()
                etag = response.headers.get("ETag")
        except urllib.error.HTTPError as exc:
            if exc.code == 304 and cached is not None:
                return cached[1]
            raise _error(exc) from None
        answer = json.loads(payload) if payload else None
        if conditional and etag:
            self._etags[url] = (etag, answer)
        return answer

    # ------------------------------------------------------------ who, quota

    def me(self) -> dict[str, Any]:
        return cast(dict[str, Any], self._call("me_retrieve"))

    def quota(self) -> Quota:
        return cast(Quota, self._call("quota_retrieve"))

    # ------------------------------------------------------------ renders

    def renders_create(
        self,
        *,
        prompt: str,
        duration_s: int,
        width: int,
        height: int,
        seed: int | None = None,
        negative_prompt: str = "",
        preset: str = "",
        image: tuple[str, bytes] | None = None,
        image_asset: str | None = None,
        from_clip: str | None = None,
        from_time_s: float | None = None,
    ) -> Render:
        """Submit a prompt; image-to-video with one first frame: `image` (file name, bytes), `image_asset` (an
        id from assets_create) or `from_clip` and `from_time_s`."""
        extra = {"image_asset": image_asset, "from_clip": from_clip, "from_time_s": from_time_s}
        body: dict[str, Any] = {
            "prompt": prompt,
            "negative_prompt": negative_prompt,
            "duration_s": duration_s,
            "width": width,
            "height": height,
            "seed": seed,
            "preset": preset,
            **{key: value for key, value in extra.items() if value is not None},
        }
        if image is not None:
            body = {key: value for key, value in body.items() if value is not None}
            return cast(Render, self._call("renders_create", body=body, files={"image": image}))
        return cast(Render, self._call("renders_create", body=body))

    def assets_create(self, *, image: tuple[str, bytes]) -> dict[str, Any]:
        """Upload an image (file name, bytes) to start renders from; its `id` is a render's `image_asset`."""
        return cast(dict[str, Any], self._call("assets_create", files={"image": image}))

    def renders_list(self, *, page: int = 1) -> Page[Render]:
        return cast(Page[Render], self._call("renders_list", query={"page": str(page)}, conditional=True))

    def render(self, job_id: str) -> Render:
        """A render's status, progress and queue place (conditional: an unchanged answer is a 304)."""
        return cast(Render, self._call("renders_retrieve", path={"job_id": job_id}, conditional=True))

    def render_cancel(self, job_id: str) -> Render:
        return cast(Render, self._call("renders_cancel_create", path={"job_id": job_id}))

    def wait_for_render(
        self, job_id: str, *, timeout: float = 600.0, interval: float = 1.0, on_progress: Any = None
    ) -> Render:
        """Poll the render until it is final (succeeded, failed or cancelled); TimeoutError after `timeout`.
        `on_progress(render)` is called with each answer."""
        deadline = time.monotonic() + timeout
        while True:
            current = self.render(job_id)
            if on_progress is not None:
                on_progress(current)
            if current["status"] in FINAL:
                return current
            if time.monotonic() >= deadline:
                raise TimeoutError(f"render {job_id} is still {current['status']} after {timeout:.0f} s")
            time.sleep(interval)

    # ------------------------------------------------------------ clips

    def clips_list(self, *, publication: str | None = None, page: int = 1) -> Page[dict[str, Any]]:
        query = {"page": str(page), **({"publication": publication} if publication else {})}
        return cast(Page[dict[str, Any]], self._call("clips_list", query=query))

    def clip(self, clip_id: str) -> ClipGate:
        """A clip with its decisions (clause, reason, who decided as a role, when), embargo and actions."""
        return cast(ClipGate, self._call("clips_retrieve", path={"clip_id": clip_id}))

    def request_publication(self, clip_id: str, *, publish_at: datetime | None = None) -> ClipGate:
        """Ask for review; with `publish_at` (timezone-aware) the approved clip waits for that moment."""
        body = {"publish_at": publish_at.isoformat() if publish_at else None}
        return cast(ClipGate, self._call("clips_publication_create", path={"clip_id": clip_id}, body=body))

    def appeal(self, clip_id: str, *, message: str) -> ClipGate:
        return cast(ClipGate, self._call("clips_appeal_create", path={"clip_id": clip_id}, body={"message": message}))

    def withdraw(self, clip_id: str) -> ClipGate:
        return cast(ClipGate, self._call("clips_withdraw_create", path={"clip_id": clip_id}))

    # ------------------------------------------------------------ notifications

    def notifications(self, *, unread: bool = False, page: int = 1) -> Page[Notification]:
        query = {"page": str(page), **({"unread": "yes"} if unread else {})}
        return cast(Page[Notification], self._call("notifications_list", query=query))

    def notifications_mark_read(self, ids: list[int] | None = None) -> int:
        """Mark these notifications read (every unread one when `ids` is None); returns how many changed."""
        body: dict[str, Any] = {"all": True} if ids is None else {"ids": ids}
        return int(self._call("notifications_read_create", body=body)["marked"])

    # ------------------------------------------------------------ webhooks (the token needs `webhooks`)

    def webhook_create(self, *, url: str, events: list[str], description: str = "") -> WebhookCreated:
        """Register an endpoint; the answer holds its signing `secret`, this once."""
        body = {"url": url, "events": events, "description": description}
        return cast(WebhookCreated, self._call("webhooks_create", body=body))

    def webhook_delete(self, endpoint_id: int) -> None:
        self._call("webhooks_destroy", path={"endpoint_id": str(endpoint_id)})


def _multipart(fields: dict[str, Any], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body (RFC 7578) and its Content-Type."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content) in files.items():
        safe = filename.replace('"', "").replace("\r", "").replace("\n", "")
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{safe}"\r\n'
        parts.append(head.encode() + b"Content-Type: application/octet-stream\r\n\r\n" + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _error(exc: urllib.error.HTTPError) -> ApiError:
    try:
        body = json.loads(exc.read() or b"{}")
    except ValueError:
        body = {}
    retry = exc.headers.get("Retry-After") if exc.headers else None
    return ApiError(
        exc.code,
        str(body.get("code", "error")),
        str(body.get("detail", exc.reason)),
        body.get("errors"),
        int(retry) if retry and retry.isdigit() else None,
    )
