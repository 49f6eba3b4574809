"""Where markup can hide in an image file: its metadata, and whatever follows the image's end.

`image_parts(data, fmt)` walks the file's own structure (JPEG marker segments, PNG chunks, RIFF chunks of a
WebP) and returns the metadata payloads, decompressed where the format compresses text (PNG zTXt, iTXt, iCCP),
with the offset where the image ends. The compressed pixel data (JPEG entropy-coded scans, PNG IDAT, the VP8 and
VP8L bitstreams) is skipped: it contains every short byte sequence by chance and hides nothing a decoder uses as
text. A JPEG embedded in metadata (the EXIF thumbnail) is walked the same way. A broken structure raises
`DamagedImage`.
"""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# The most a compressed PNG text or profile chunk may inflate to: metadata, not pictures.
MAX_INFLATED = 4 * 1024 * 1024
# JPEG markers of the image itself: SOFn, DHT, JPG, DAC (C0-CF), DQT, DNL, DRI, DHP, EXP and SOS.
_JPEG_IMAGE_MARKERS = frozenset(range(0xC0, 0xD0)) | {0xDA, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF}
_JPEG_STANDALONE = frozenset(range(0xD0, 0xD8)) | {0x01}  # RSTn and TEM carry no length
# After a scan's entropy-coded data: the next 0xFF that is neither byte stuffing (FF 00), a restart marker
# (FF D0-D7) nor fill (FF FF).
_JPEG_NEXT_MARKER = re.compile(rb"\xff(?=[^\x00\xd0-\xd7\xff])")
_PNG_PIXELS = frozenset({b"IDAT", b"fdAT"})
_WEBP_BITSTREAMS = frozenset({b"VP8 ", b"VP8L", b"ALPH"})
_MAX_NESTING = 2


class DamagedImage(ValueError):
    """The file's structure is broken: a length past the end, a missing end marker, bad compressed text."""


class MetadataTooLarge(ValueError):
    """A compressed metadata chunk inflates to more than MAX_INFLATED bytes."""


@dataclass(frozen=True)
class ImageParts:
    metadata: list[bytes]
    end: int  # offset just past the image (JPEG EOI, PNG IEND, the RIFF size)
    lossless: bool = False  # a WebP whose bitstream is VP8L


def image_parts(data: bytes, fmt: str) -> ImageParts:
    """The metadata payloads of a PNG, JPEG or WEBP file and the offset where its image ends."""
    try:
        if fmt == "PNG":
            return _png(data)
        if fmt == "WEBP":
            return _webp(data)
        metadata, end = _jpeg(data, 0, 0)
        return ImageParts(metadata=metadata, end=end)
    except (IndexError, struct.error) as exc:
        raise DamagedImage(str(exc)) from None


def _embedded(payload: bytes, depth: int) -> list[bytes]:
    """A metadata payload, with a JPEG inside it (an EXIF thumbnail) replaced by that JPEG's own metadata."""
    start = payload.find(b"\xff\xd8\xff")
    if start < 0 or depth >= _MAX_NESTING:
        return [payload]
    try:
        inner, end = _jpeg(payload, start, depth + 1)
    except (DamagedImage, IndexError, struct.error):
        return [payload]  # not a well-formed JPEG after all: the whole payload is scanned
    return [payload[:start], *inner, *_embedded(payload[end:], depth)]


def _jpeg(data: bytes, start: int, depth: int) -> tuple[list[bytes], int]:
    if data[start : start + 2] != b"\xff\xd8":
        raise DamagedImage("no start-of-image marker")
    pos, metadata = start + 2, []
    while True:
        if pos >= len(data) or data[pos] != 0xFF:
            raise DamagedImage("expected a JPEG marker")
        while pos < len(data) and data[pos] == 0xFF:
            pos += 1  # fill bytes
        if pos >= len(data):
            raise DamagedImage("no end-of-image marker")
        marker = data[pos]
        pos += 1
        if marker == 0xD9:
            return metadata, pos
        if marker in _JPEG_STANDALONE:
            continue
        (length,) = struct.unpack(">H", data[pos : pos + 2])
        if length < 2 or pos + length > len(data):
            raise DamagedImage("a JPEG segment runs past the end of the file")
        if marker not in _JPEG_IMAGE_MARKERS:  # APPn, COM and anything unknown
            metadata.extend(_embedded(data[pos + 2 : pos + length], depth))
        pos += length
        if marker == 0xDA:  # skip the entropy-coded data that follows a scan header
            found = _JPEG_NEXT_MARKER.search(data, pos)
            if found is None:
                raise DamagedImage("no end-of-image marker")
            pos = found.start()


def _inflate(compressed: bytes) -> bytes:
    inflater = zlib.decompressobj()
    try:
        text = inflater.decompress(compressed, MAX_INFLATED)
    except zlib.error as exc:
        raise DamagedImage(f"compressed metadata: {exc}") from None
    if inflater.unconsumed_tail:
        raise MetadataTooLarge
    return text


def _png_text(kind: bytes, payload: bytes) -> list[bytes]:
    """A PNG chunk as text to scan: text chunks and the ICC profile decompressed, other chunks as they are."""
    if kind in (b"zTXt", b"iCCP"):  # keyword NUL method compressed
        keyword, _, rest = payload.partition(b"\0")
        return [keyword, _inflate(rest[1:])]
    if kind == b"iTXt":  # keyword NUL flag method language NUL translated NUL text
        keyword, _, rest = payload.partition(b"\0")
        compressed, header = rest[:1] == b"\x01", rest[2:]
        language, _, rest = header.partition(b"\0")
        translated, _, text = rest.partition(b"\0")
        return [keyword, language, translated, _inflate(text) if compressed else text]
    return _embedded(payload, 0)  # tEXt, eXIf (its thumbnail walked), private chunks


def _png(data: bytes) -> ImageParts:
    pos, metadata = len(_PNG_SIGNATURE), []
    while pos + 12 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        if pos + 12 + length > len(data):
            break
        if kind not in _PNG_PIXELS:
            metadata.extend(_png_text(kind, data[pos + 8 : pos + 8 + length]))
        pos += 12 + length
        if kind == b"IEND":
            return ImageParts(metadata=metadata, end=pos)
    raise DamagedImage("The PNG file is truncated or damaged.")


def _riff_chunks(data: bytes, pos: int, end: int, metadata: list[bytes]) -> bool:
    """Collect the metadata chunks between pos and end (frames of an animation walked); True if VP8L is seen."""
    lossless = False
    while pos + 8 <= end:
        kind, size = data[pos : pos + 4], struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        payload = data[pos + 8 : pos + 8 + size]
        if len(payload) != size or pos + 8 + size > end:
            raise DamagedImage("a WebP chunk runs past the end of the file")
        lossless |= kind == b"VP8L"
        if kind == b"ANMF":  # frame header (16 bytes), then the frame's own chunks
            lossless |= _riff_chunks(data, pos + 8 + 16, pos + 8 + size, metadata)
        elif kind not in _WEBP_BITSTREAMS:  # VP8X, ANIM, ICCP, EXIF, XMP and unknown chunks
            metadata.extend(_embedded(payload, 0))
        pos += 8 + size + (size & 1)
    return lossless


def _webp(data: bytes) -> ImageParts:
    end = 8 + struct.unpack("<I", data[4:8])[0]
    if end > len(data):
        raise DamagedImage("The WebP file is truncated.")
    metadata: list[bytes] = []
    lossless = _riff_chunks(data, 12, end, metadata)
    return ImageParts(metadata=metadata, end=end, lossless=lossless)
