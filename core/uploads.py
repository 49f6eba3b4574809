"""Uploaded images are hostile input: checked by content, bounded before decoding, re-encoded to store.

Order of checks: byte size (before reading), magic bytes (allow-list: PNG, JPEG, WebP), the file's
structure walked (core.image_parts), markup (HTML/script polyglots) in its metadata and in any data after
the image's end, which is refused either way, the pixel count from the header (before decoding), then a full
decode with Pillow's decompression-bomb guard raised to an error. The compressed pixel data is not scanned for
markup: it contains every short byte sequence by chance (once in about 1.4 MB), so a scan of it refused
ordinary photos, and it is never stored: what is stored is a fresh encoding of the decoded pixels, so trailing
payloads and metadata (GPS) are gone. Lossy WebP is re-encoded lossy, lossless WebP lossless.
"""

from __future__ import annotations

import io
import re
import struct
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.image_parts import DamagedImage, MetadataTooLarge, image_parts

# (content type, extension, Pillow format) by magic bytes.
_PNG = b"\x89PNG\r\n\x1a\n"
_MARKUP = re.compile(
    rb"<\s*(?:!doctype|html|head|body|script|iframe|svg|object|embed|meta|a\s|img\s|\?php|\?xml)"
    rb"|javascript:",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class CleanImage:
    content: bytes
    content_type: str
    extension: str
    width: int
    height: int


def _sniff(head: bytes) -> tuple[str, str, str] | None:
    if head.startswith(_PNG):
        return "image/png", "png", "PNG"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "jpg", "JPEG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp", "WEBP"
    return None


def _has_markup(parts: list[bytes]) -> bool:
    return any(_MARKUP.search(part) for part in parts if part)


def _reencode(image, fmt: str, *, lossless: bool) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        image.convert("RGB").save(out, format="JPEG", quality=92)
    elif fmt == "WEBP":
        image.save(out, format="WEBP", **({"lossless": True} if lossless else {"quality": 92}))
    else:
        image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def image_clean(*, name: str, data: bytes) -> CleanImage:
    """Return a safe re-encoding of an uploaded image, or raise ValidationError saying what is wrong."""
    from PIL import Image

    limit = settings.ARTIST_UPLOAD_MAX_BYTES
    if len(data) > limit:
        raise ValidationError(
            _("“%(name)s” is %(size)s bytes; the limit is %(limit)s bytes.")
            % {"name": name, "size": f"{len(data):,}", "limit": f"{limit:,}"}
        )
    kind = _sniff(data[:16])
    if kind is None:
        raise ValidationError(
            _("“%(name)s” is not a PNG, JPEG or WebP image (checked by its content, not its name).") % {"name": name}
        )
    content_type, extension, fmt = kind
    try:
        parts = image_parts(data, fmt)
    except DamagedImage:
        raise ValidationError(
            _("“%(name)s” could not be read as an image; it may be damaged.") % {"name": name}
        ) from None
    except MetadataTooLarge:
        raise ValidationError(
            _("“%(name)s” carries more compressed metadata text than an image needs; it was refused.") % {"name": name}
        ) from None
    trailing = data[parts.end :]
    if fmt == "JPEG":
        trailing = trailing.rstrip(b"\x00")  # padding after the end-of-image marker is harmless
    if _has_markup([*parts.metadata, trailing]):
        raise ValidationError(
            _("“%(name)s” contains HTML or script markup inside the image; it was refused.") % {"name": name}
        )
    if trailing:
        raise ValidationError(
            _("“%(name)s” has extra data after the end of the image; it was refused.") % {"name": name}
        )
    max_pixels = settings.ARTIST_UPLOAD_MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[fmt])  # reads the header only
            width, height = image.size
            if width * height > max_pixels:
                raise ValidationError(
                    _("“%(name)s” is %(width)s×%(height)s pixels; the limit is %(limit)s pixels in all.")
                    % {"name": name, "width": width, "height": height, "limit": f"{max_pixels:,}"}
                )
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("“%(name)s” would decompress to far more pixels than it claims (a decompression bomb).") % {"name": name}
        ) from None
    except (OSError, SyntaxError, ValueError, struct.error, Image.UnidentifiedImageError):
        raise ValidationError(
            _("“%(name)s” could not be read as an image; it may be damaged.") % {"name": name}
        ) from None
    return CleanImage(
        content=_reencode(image, fmt, lossless=parts.lossless),
        content_type=content_type,
        extension=extension,
        width=width,
        height=height,
    )


def upload_read(upload) -> bytes:
    """Read an UploadedFile, refusing by its declared size before any byte is read."""
    limit = settings.ARTIST_UPLOAD_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("“%(name)s” is %(size)s bytes; the limit is %(limit)s bytes.")
            % {"name": upload.name, "size": f"{upload.size:,}", "limit": f"{limit:,}"}
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            _("“%(name)s” is over the limit of %(limit)s bytes.") % {"name": upload.name, "limit": f"{limit:,}"}
        )
    return data
