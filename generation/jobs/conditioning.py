"""Image-to-video: the first frame a render starts from, checked, cropped to the render size and stored.

The first frame is an uploaded image (checked like every upload by core.uploads: type by content, size and
pixel limits, re-encoded) or a frame of one of the artist's own clips at a time in seconds. The web never
decodes video (it imports no PyAV): a clip's frame is taken by the render worker, which crops it the same way
(`first_frame_fit`). The crop is the server's: the largest centred box of the render's aspect ratio, scaled to
the render size; the form's preview draws the same box.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from accounts.models import User
from core.uploads import image_clean, upload_read
from generation.models import Clip, RenderJob

FIRST_FRAME_NAME = "first-frame.png"


@dataclass(frozen=True)
class Conditioning:
    """A render's first frame: image bytes (any size, already sanitised), or a clip and a time in seconds."""

    image: bytes = b""
    clip: Clip | None = None
    time_s: float | None = None


def crop_box(src_width: int, src_height: int, width: int, height: int) -> tuple[int, int, int, int]:
    """(left, top, right, bottom): the largest centred box of the ratio width:height inside the source."""
    if src_width * height > src_height * width:  # wider than the render: trim the sides
        box_w, box_h = round(src_height * width / height), src_height
    else:
        box_w, box_h = src_width, round(src_width * height / width)
    left, top = (src_width - box_w) // 2, (src_height - box_h) // 2
    return left, top, left + box_w, top + box_h


def first_frame_fit(image: Any, *, width: int, height: int) -> bytes:
    """A PIL image (or encoded image bytes) centre-cropped to the render's ratio and scaled to its size, as PNG."""
    from PIL import Image

    if isinstance(image, bytes):
        image = Image.open(io.BytesIO(image))
    image = image.convert("RGB")
    src_width, src_height = image.size
    fitted = image.crop(crop_box(src_width, src_height, width, height)).resize(
        (width, height), Image.Resampling.LANCZOS
    )
    out = io.BytesIO()
    fitted.save(out, format="PNG")
    return out.getvalue()


def conditioning_from_input(
    *, artist: User, image: Any = None, from_clip: Any = None, from_time_s: Any = None
) -> Conditioning | None:
    """The first frame the artist asked for (an uploaded file, or one of their clips and a time), or None;
    ValidationError naming the field when it cannot be used."""
    if image is not None and from_clip:
        raise ValidationError({"image": _("Give an image or a frame of a clip, not both.")})
    if image is not None:
        try:
            clean = image_clean(name=image.name, data=upload_read(image))
        except ValidationError as exc:
            raise ValidationError({"image": exc.messages}) from None
        return Conditioning(image=clean.content)
    if not from_clip:
        if from_time_s not in (None, ""):
            raise ValidationError({"from_time_s": _("A time needs a clip to take the frame from.")})
        return None
    try:
        key = uuid.UUID(str(from_clip))
    except ValueError:
        raise ValidationError({"from_clip": _("The clip to take a frame from must be given by its id.")}) from None
    clip = Clip.objects.filter(artist=artist, id=key).first()
    if clip is None:
        raise ValidationError({"from_clip": _("There is no such clip of yours to take a frame from.")})
    try:
        time_s = float(from_time_s) if from_time_s not in (None, "") else 0.0
    except (TypeError, ValueError):
        raise ValidationError({"from_time_s": _("The time must be a number of seconds.")}) from None
    last = max(0.0, (clip.num_frames - 1) / clip.fps) if clip.fps else 0.0
    if isinstance(from_time_s, bool) or not 0.0 <= time_s <= last:
        raise ValidationError(
            {"from_time_s": _("The time must be from 0 to %(last).2f seconds, the clip's last frame.") % {"last": last}}
        )
    return Conditioning(clip=clip, time_s=time_s)


def conditioning_of(job: RenderJob) -> Conditioning | None:
    """The first frame of an earlier render, for render again, retry and a remix that keeps it."""
    if job.conditioning_image:
        with default_storage.open(job.conditioning_image.name, "rb") as handle:
            return Conditioning(image=handle.read())
    if job.conditioning_clip_id:
        clip = Clip.objects.filter(id=job.conditioning_clip_id, artist_id=job.artist_id).first()
        if clip is not None:
            return Conditioning(clip=clip, time_s=job.conditioning_time_s or 0.0)
    return None


def conditioning_prepare(conditioning: Conditioning, *, preset: Any, width: int, height: int) -> bytes:
    """The first frame's PNG at the render size (b"" for a clip's frame, which the worker takes); ValidationError
    when the preset has no image-to-video pipeline."""
    if not preset.image_pipeline_class:
        field = "from_clip" if conditioning.clip is not None else "image"
        raise ValidationError(
            {
                field: _("%(preset)s cannot start from an image: pick a model that offers image-to-video.")
                % {"preset": preset.label}
            }
        )
    return first_frame_fit(conditioning.image, width=width, height=height) if conditioning.image else b""


def conditioning_store(job: RenderJob, *, png: bytes, conditioning: Conditioning) -> None:
    """Record the first frame on a new job (its own stored copy of the image)."""
    job.conditioning_clip = conditioning.clip
    job.conditioning_time_s = conditioning.time_s
    if png:
        job.conditioning_image.save(FIRST_FRAME_NAME, ContentFile(png), save=False)
    RenderJob.objects.filter(id=job.id).update(
        conditioning_image=job.conditioning_image.name or "",
        conditioning_clip=conditioning.clip,
        conditioning_time_s=conditioning.time_s,
    )


def asset_create(*, artist: User, upload: Any) -> Any:
    """Store an uploaded image (sanitised: core.uploads) for later renders; ValidationError on `image`."""
    from generation.models import ImageAsset

    if not artist.is_artist:
        raise ValidationError(_("Only invited artists can upload images."))
    try:
        clean = image_clean(name=upload.name, data=upload_read(upload))
    except ValidationError as exc:
        raise ValidationError({"image": exc.messages}) from None
    asset = ImageAsset(
        artist=artist,
        content_type=clean.content_type,
        width=clean.width,
        height=clean.height,
        size_bytes=len(clean.content),
    )
    asset.image.save(f"image.{clean.extension}", ContentFile(clean.content), save=False)
    try:
        asset.save()
    except Exception:
        default_storage.delete(asset.image.name)
        raise
    return asset


def conditioning_from_asset(*, artist: User, asset_id: Any) -> Conditioning:
    """One of the artist's uploaded images as a first frame; ValidationError on `image_asset` otherwise."""
    from generation.models import ImageAsset

    try:
        key = uuid.UUID(str(asset_id))
    except ValueError:
        raise ValidationError({"image_asset": _("The image must be given by its id.")}) from None
    asset = ImageAsset.objects.filter(artist=artist, id=key).first()
    if asset is None:
        raise ValidationError({"image_asset": _("There is no such image of yours.")})
    with default_storage.open(asset.image.name, "rb") as handle:
        return Conditioning(image=handle.read())
