"""Uploaded images are hostile input: checked by content, bounded before decoding, re-encoded to store.

Order of checks: byte size (before reading), magic bytes (allow-list: PNG, JPEG, WebP), markup
anywhere in the bytes (HTML/script polyglots), data after the image's end, pixel count from the header
(before decoding), then a full decode with Pillow's decompression-bomb guard raised to an error.
What is stored is a fresh encoding of the decoded pixels: trailing payloads and metadata (GPS) are gone.
"""

from __future__ import annotations

import io
import re
import struct
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError

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


def _png_end(data: bytes) -> int:
    """Offset just past the IEND chunk, walking the chunk list; ValidationError if it is broken."""
    pos = len(_PNG)
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        pos += 12 + length
        if kind == b"IEND":
            return pos
    raise ValidationError("The PNG file is truncated or damaged.")


def _trailing_bytes(data: bytes, fmt: str) -> int:
    if fmt == "PNG":
        return len(data) - _png_end(data)
    if fmt == "WEBP":
        return len(data) - (8 + struct.unpack("<I", data[4:8])[0])
    # JPEG: nothing but padding may follow the last end-of-image marker.
    end = data.rfind(b"\xff\xd9")
    return len(data[end + 2 :].rstrip(b"\x00")) if end >= 0 else 0


def image_clean(*, name: str, data: bytes) -> CleanImage:
    """Return a safe re-encoding of an uploaded image, or raise ValidationError saying what is wrong."""
    from PIL import Image

    limit = settings.ARTIST_UPLOAD_MAX_BYTES
    if len(data) > limit:
        raise ValidationError(f"“{name}” is {len(data):,} bytes; the limit is {limit:,} bytes.")
    kind = _sniff(data[:16])
    if kind is None:
        raise ValidationError(f"“{name}” is not a PNG, JPEG or WebP image (checked by its content, not its name).")
    content_type, extension, fmt = kind
    if _MARKUP.search(data):
        raise ValidationError(f"“{name}” contains HTML or script markup inside the image; it was refused.")
    if _trailing_bytes(data, fmt) > 0:
        raise ValidationError(f"“{name}” has extra data after the end of the image; it was refused.")
    max_pixels = settings.ARTIST_UPLOAD_MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[fmt])  # reads the header only
            width, height = image.size
            if width * height > max_pixels:
                raise ValidationError(
                    f"“{name}” is {width}×{height} pixels; the limit is {max_pixels:,} pixels in all."
                )
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            f"“{name}” would decompress to far more pixels than it claims (a decompression bomb)."
        ) from None
    except (OSError, SyntaxError, ValueError, struct.error, Image.UnidentifiedImageError):
        raise ValidationError(f"“{name}” could not be read as an image; it may be damaged.") from None
    out = io.BytesIO()
    if fmt == "JPEG":
        image.convert("RGB").save(out, format="JPEG", quality=92)
    elif fmt == "WEBP":
        image.save(out, format="WEBP", lossless=True)
    else:
        image.save(out, format="PNG", optimize=False)
    return CleanImage(
        content=out.getvalue(), content_type=content_type, extension=extension, width=width, height=height
    )


def upload_read(upload) -> bytes:
    """Read an UploadedFile, refusing by its declared size before any byte is read."""
    limit = settings.ARTIST_UPLOAD_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(f"“{upload.name}” is {upload.size:,} bytes; the limit is {limit:,} bytes.")
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(f"“{upload.name}” is over the limit of {limit:,} bytes.")
    return data
