"""Ordinary photos are accepted; markup is still refused wherever it can hide (metadata and trailing data)."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from PIL import Image, PngImagePlugin

from core.uploads import _MARKUP, image_clean
from tests.core.photos import MB, _scene, photo_corpus

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"
XMP = (
    b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
    b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about=""'
    b' xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq><rdf:li>A. Painter</rdf:li></rdf:Seq>'
    b'</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
)


@pytest.fixture(scope="session")
def photos() -> list[tuple[str, bytes]]:
    """The generated corpus, made once per test session (about ten seconds)."""
    return photo_corpus()


def _refusal(data: bytes, name: str = "shot") -> str:
    with pytest.raises(ValidationError) as info:
        image_clean(name=name, data=data)
    return " ".join(info.value.messages)


def test_every_photo_like_image_is_accepted(photos, settings):
    settings.ARTIST_UPLOAD_MAX_BYTES = 5 * 1024 * 1024
    assert len(photos) >= 100
    assert {name.rsplit(".", 1)[1] for name, _ in photos} == {"jpeg", "png", "webp"}
    assert all(0.2 * MB <= len(data) <= 3 * MB for _, data in photos)
    # The scan of the whole file that this replaces refused these by a chance match in the pixel data.
    whole_file_matches = [name for name, data in photos if _MARKUP.search(data)]
    print(f"a whole-file markup scan refuses {len(whole_file_matches)} of {len(photos)}")
    assert len(whole_file_matches) >= 20
    for name, data in photos:
        clean = image_clean(name=name, data=data)
        assert (
            Image.open(io.BytesIO(clean.content)).size
            == Image.open(io.BytesIO(data)).size
            == (
                clean.width,
                clean.height,
            )
        )


def _exif_with_thumbnail(thumbnail: bytes) -> bytes:
    """An APP1 EXIF block as cameras write it: IFD0 (Make), IFD1 pointing at a JPEG thumbnail."""
    make = b"Canon\0"
    data_at = 8 + 18 + 30
    ifd0 = struct.pack("<H", 1) + struct.pack("<HHII", 0x010F, 2, len(make), data_at) + struct.pack("<I", 26)
    ifd1 = (
        struct.pack("<H", 2)
        + struct.pack("<HHII", 0x0201, 4, 1, data_at + len(make))
        + struct.pack("<HHII", 0x0202, 4, 1, len(thumbnail))
        + struct.pack("<I", 0)
    )
    return b"Exif\0\0" + b"II*\0" + struct.pack("<I", 8) + ifd0 + ifd1 + make + thumbnail


def _jpeg(image: Image.Image, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90, **options)
    return out.getvalue()


@pytest.fixture(scope="module")
def unlucky_thumbnail() -> bytes:
    """A 320x240 thumbnail whose compressed bytes happen to contain something markup-like (a few % do)."""
    for seed in range(2000):
        thumbnail = _jpeg(_scene(np.random.default_rng(seed), 320, 240))
        if _MARKUP.search(thumbnail):
            return thumbnail
    raise AssertionError("no thumbnail with a chance match in 2000 seeds")


def test_a_camera_jpeg_with_exif_thumbnail_and_xmp_is_accepted(unlucky_thumbnail):
    scene = _scene(np.random.default_rng(7), 1600, 1200)
    photo = _jpeg(scene, exif=_exif_with_thumbnail(unlucky_thumbnail), xmp=XMP, comment=b"Holiday, day 3")
    assert _MARKUP.search(photo)  # the whole-file scan refused it
    clean = image_clean(name="IMG_0042.JPG", data=photo)
    assert (clean.width, clean.height) == (1600, 1200)
    assert b"Canon" not in clean.content and b"A. Painter" not in clean.content


def test_markup_in_the_thumbnails_own_metadata_is_refused():
    thumbnail = _jpeg(Image.new("RGB", (32, 24), (5, 6, 7)), comment=HTML)
    photo = _jpeg(Image.new("RGB", (64, 48), (9, 9, 9)), exif=_exif_with_thumbnail(thumbnail))
    assert "HTML or script markup" in _refusal(photo)


def _png(**info_items) -> bytes:
    info = PngImagePlugin.PngInfo()
    for key, (value, kind) in info_items.items():
        if kind == "itxt":
            info.add_itxt(key, value.decode())
        elif kind == "itxt-zip":
            info.add_itxt(key, value.decode(), zip=True)
        else:
            info.add_text(key, value.decode(), zip=kind == "ztxt")
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (100, 150, 200)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def _webp(**options) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (100, 150, 200)).save(out, format="WEBP", **options)
    return out.getvalue()


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: _jpeg(Image.new("RGB", (40, 30)), comment=HTML), id="jpeg-comment"),
        pytest.param(lambda: _jpeg(Image.new("RGB", (40, 30)), xmp=XMP + HTML), id="jpeg-xmp"),
        pytest.param(lambda: _jpeg(Image.new("RGB", (40, 30)), exif=b"Exif\0\0" + HTML), id="jpeg-exif"),
        pytest.param(lambda: _jpeg(Image.new("RGB", (40, 30))) + HTML, id="jpeg-trailing"),
        pytest.param(lambda: _png(Comment=(HTML, "text")), id="png-text"),
        pytest.param(lambda: _png(Comment=(HTML, "ztxt")), id="png-ztxt-compressed"),
        pytest.param(lambda: _png(Comment=(HTML, "itxt")), id="png-itxt"),
        pytest.param(lambda: _png(Comment=(HTML, "itxt-zip")), id="png-itxt-compressed"),
        pytest.param(lambda: _webp(exif=b"Exif\0\0" + HTML), id="webp-exif"),
        pytest.param(lambda: _webp(xmp=HTML), id="webp-xmp"),
        pytest.param(lambda: _webp(icc_profile=HTML), id="webp-icc"),
        pytest.param(lambda: _webp() + HTML, id="webp-trailing"),
    ],
)
def test_markup_in_metadata_or_after_the_end_is_refused(make):
    data = make()
    Image.open(io.BytesIO(data)).load()  # each one a valid image that Pillow reads happily
    assert "HTML or script markup" in _refusal(data)


def test_trailing_data_disguised_by_a_second_end_marker_is_refused():
    data = _jpeg(Image.new("RGB", (40, 30))) + b"\x00\x01payload" + b"\xff\xd9"
    assert "extra data after the end of the image" in _refusal(data)


def test_a_compressed_text_chunk_that_inflates_enormously_is_refused():
    data = _png()
    bomb = b"Comment\0\0" + zlib.compress(b" " * (8 * 1024 * 1024), 9)
    chunk = struct.pack(">I", len(bomb)) + b"zTXt" + bomb + struct.pack(">I", zlib.crc32(b"zTXt" + bomb))
    iend = data.rindex(b"IEND") - 4
    assert "more compressed metadata text than an image needs" in _refusal(data[:iend] + chunk + data[iend:])


def test_a_truncated_jpeg_is_refused_as_damaged():
    data = _jpeg(_scene(np.random.default_rng(3), 200, 150))
    assert "could not be read as an image" in _refusal(data[: len(data) // 2])


def test_lossy_webp_is_reencoded_lossy_and_lossless_lossless():
    photo = _scene(np.random.default_rng(5), 400, 300)
    for lossless, chunk in ((False, b"VP8 "), (True, b"VP8L")):
        out = io.BytesIO()
        photo.save(out, format="WEBP", lossless=lossless, quality=90)
        clean = image_clean(name="a.webp", data=out.getvalue())
        assert clean.content[12:16] in (chunk, b"VP8X") and chunk in clean.content[:64]
