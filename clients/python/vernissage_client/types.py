"""The API's answers as typed dictionaries, named after the OpenAPI schema's components they mirror
(tests/clients/test_python_client.py checks every key against /api/v1/schema)."""

from __future__ import annotations

from typing import Generic, Literal, TypedDict, TypeVar

T = TypeVar("T")


class Page(TypedDict, Generic[T]):
    count: int
    next: str | None
    previous: str | None
    results: list[T]


class Queue(TypedDict):
    position: int
    jobs_ahead: int
    estimated_start_s: int
    slots: int
    delayed: str


class RenderClip(TypedDict):
    id: str
    video_url: str
    poster_url: str
    preview_url: str | None


class Render(TypedDict):
    id: str
    status: Literal["queued", "dispatched", "running", "succeeded", "failed", "cancelled"]
    status_label: str
    prompt: str
    duration_s: int
    width: int
    height: int
    seed: int
    fps: int
    num_frames: int
    progress: float
    step: int
    total_steps: int
    eta_s: float | None
    phase: str
    phase_label: str
    progress_text: str
    error: str | None
    created_at: str
    queue: Queue | None
    clip: RenderClip | None
    preset: str
    parent: str | None
    origin: str
    batch: str | None
    retry_possible: bool


class Clause(TypedDict):
    code: str
    title: str
    text: str


class Decision(TypedDict):
    decision: str
    label: str
    is_appeal: bool
    clause: Clause | None
    reason: str
    decided_at: str


class DecisionHistory(Decision):
    decided_by: Literal["moderator", "admin"]


class ClipGate(TypedDict):
    id: str
    artist: str
    prompt: str
    publication: str
    width: int
    height: int
    fps: int
    num_frames: int
    duration_s: float
    video_url: str
    poster_url: str
    published_at: str | None
    actions: list[str]
    last_decision: Decision | None
    decisions: list[DecisionHistory]
    publish_at: str | None


class Notification(TypedDict):
    id: int
    message: str
    url: str
    created_at: str
    read_at: str | None


class Quota(TypedDict):
    jobs_limit: int
    jobs_active: int
    jobs_left: int
    seconds_limit: int
    seconds_used: int
    seconds_left: int
    resets_at: str
    priority: bool


class WebhookCreated(TypedDict, total=False):
    id: int
    url: str
    events: list[str]
    secret: str
