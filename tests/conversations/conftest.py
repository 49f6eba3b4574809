"""Conversation fixtures: the starter policy (decisions cite its clauses), a clip awaiting review, images."""

from __future__ import annotations

import io

import pytest

from approvals.gate import Publication
from tests.approvals.helpers import clip_in_state
from tests.factories import make_user


@pytest.fixture(autouse=True)
def _starter_policy(request):
    """Every test here starts with the starter policy, even after a transactional test flushed it."""
    if (
        "db" in request.fixturenames
        or "transactional_db" in request.fixturenames
        or request.node.get_closest_marker("django_db")
    ):
        request.getfixturevalue("db")
        from tests.approvals.helpers import ensure_starter_policy

        ensure_starter_policy()


@pytest.fixture
def second_moderator(db):
    return make_user("mod2", role="moderator", display_name="Second Moderator")


@pytest.fixture
def pending_clip(artist, second_moderator):
    """A clip of the artist awaiting review, said to last 4 s (96 frames at 24 fps)."""
    from generation.models import Clip

    clip = clip_in_state(Publication.PENDING_REVIEW, artist=artist, moderator=second_moderator)
    Clip.objects.filter(id=clip.id).update(num_frames=96)
    clip.refresh_from_db()
    return clip


def png_bytes(width: int = 8, height: int = 8, color=(200, 40, 40)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, format="PNG")
    return out.getvalue()


def make_clip_of_seconds(artist, *, seconds: int = 4, fps: int = 24, **job_overrides):
    """A clip of `artist` whose real MP4 lasts `seconds` (64x64; each second a different shade)."""
    import tempfile
    from pathlib import Path

    import numpy as np
    from django.core.files import File

    from generation.models import Clip
    from generation.runtime.encode import encode_mp4, write_poster
    from tests.factories import make_clip

    clip = make_clip(artist, files=False, **job_overrides)
    frames = np.zeros((seconds * fps, 64, 64, 3), dtype=np.float32)
    for i in range(seconds * fps):
        frames[i] = (i // fps + 1) / (seconds + 1)
    with tempfile.TemporaryDirectory() as tmp:
        path, poster = Path(tmp) / "v.mp4", Path(tmp) / "p.jpg"
        encode_mp4(frames, path, fps=fps)
        write_poster(frames[0], poster)
        with path.open("rb") as handle:
            clip.video.save("video.mp4", File(handle), save=False)
        with poster.open("rb") as handle:
            clip.poster.save("poster.jpg", File(handle), save=False)
    clip.num_frames, clip.fps, clip.size_bytes = seconds * fps, fps, clip.video.size
    clip.save()
    return Clip.objects.get(pk=clip.pk)
