"""Uploads are hostile input: each bad file is refused with a clear message; good ones are re-encoded."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from artists.models import Attachment, Feedback
from core.uploads import image_clean
from tests.artists.conftest import bomb_png, image_bytes, png_bytes, png_chunk
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


def _refusal(data: bytes, name: str = "shot.png") -> str:
    with pytest.raises(ValidationError) as info:
        image_clean(name=name, data=data)
    return " ".join(info.value.messages)


def test_oversize_is_refused_before_decoding(settings):
    settings.ARTIST_UPLOAD_MAX_BYTES = 2048
    data = png_bytes(64, 64)
    data += b"\0" * (4096 - len(data))
    assert _refusal(data) == "“shot.png” is 4,096 bytes; the limit is 2,048 bytes."


def test_too_many_pixels_refused_from_the_header(settings):
    settings.ARTIST_UPLOAD_MAX_PIXELS = 100 * 100
    message = _refusal(png_bytes(101, 100))
    assert "101×100 pixels" in message and "10,000 pixels" in message


def test_decompression_bomb_refused():
    data = bomb_png()
    assert len(data) < 50_000  # tiny on disk, 144 million pixels once decoded
    assert "decompression bomb" in _refusal(data, "bomb.png")


def test_decompression_bomb_error_range_refused():
    data = bomb_png(side=14_000)  # 196 million pixels: over Pillow's hard limit (DecompressionBombError)
    assert "decompression bomb" in _refusal(data, "bomb.png")


@pytest.mark.parametrize(
    "data, name",
    [
        (HTML, "cute-cat.png"),
        (b"GIF89a" + b"\0" * 40, "anim.png"),
        (b"%PDF-1.7\n" + b"\0" * 40, "picture.jpg"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "icon.webp"),
    ],
)
def test_wrong_type_by_content_is_refused(data, name):
    message = _refusal(data, name)
    assert f"“{name}” is not a PNG, JPEG or WebP image (checked by its content, not its name)." == message


def test_png_html_polyglot_with_appended_page_is_refused():
    message = _refusal(png_bytes() + HTML)
    assert "HTML or script markup" in message


def test_png_html_polyglot_in_a_text_chunk_is_refused():
    data = png_bytes()
    iend = data.rindex(b"IEND") - 4
    polyglot = data[:iend] + png_chunk(b"tEXt", b"Comment\0" + HTML) + data[iend:]
    Image.open(io.BytesIO(polyglot)).load()  # a valid PNG that Pillow reads happily
    assert "HTML or script markup" in _refusal(polyglot)


def test_trailing_data_after_the_image_is_refused():
    assert "extra data after the end of the image" in _refusal(png_bytes() + b"\x01\x02trailing")
    assert "extra data after the end of the image" in _refusal(image_bytes("JPEG") + b"\x01payload")


def test_damaged_image_is_refused():
    data = png_bytes(32, 32)
    damaged = data[:40] + b"\xff" * 20 + data[60:]
    assert "could not be read as an image" in _refusal(damaged) or "damaged" in _refusal(damaged)


@pytest.mark.parametrize(
    "fmt, content_type, ext",
    [("PNG", "image/png", "png"), ("JPEG", "image/jpeg", "jpg"), ("WEBP", "image/webp", "webp")],
)
def test_good_images_are_reencoded_without_metadata(fmt, content_type, ext):
    source = Image.new("RGB", (16, 12), (1, 2, 3))
    exif = Image.Exif()
    exif[0x010F] = "SecretCameraMaker"
    out = io.BytesIO()
    source.save(out, format=fmt, exif=exif.tobytes())
    assert b"SecretCameraMaker" in out.getvalue()
    clean = image_clean(name=f"a.{ext}", data=out.getvalue())
    assert (clean.content_type, clean.extension, clean.width, clean.height) == (content_type, ext, 16, 12)
    assert b"SecretCameraMaker" not in clean.content
    assert Image.open(io.BytesIO(clean.content)).format == fmt


def _file(client, artist, *files, kind="bug"):
    client.login(username=artist.username, password=PASSWORD)
    return client.post(
        reverse("artists:feedback"),
        {"kind": kind, "title": "Flicker", "text": "The last frame flickers.", "credit": "on", "images": list(files)},
    )


def test_form_refuses_a_polyglot_with_a_clear_message_and_stores_nothing(client, artist):
    response = _file(client, artist, SimpleUploadedFile("ok.png", png_bytes() + HTML, content_type="image/png"))
    assert response.status_code == 400
    assert "contains HTML or script markup inside the image" in response.content.decode()
    assert not Feedback.objects.exists() and not Attachment.objects.exists()


def test_form_refuses_oversize_by_declared_size(client, artist, settings):
    settings.ARTIST_UPLOAD_MAX_BYTES = 4096
    big = SimpleUploadedFile("big.png", png_bytes() + b"\0" * 8000, content_type="image/png")
    response = _file(client, artist, big)
    assert response.status_code == 400
    assert "the limit is 4,096 bytes" in response.content.decode()


def test_attachment_is_stored_under_a_random_name_and_served_only_as_a_download(
    client, artist, moderator, other_artist, settings
):
    response = _file(client, artist, SimpleUploadedFile("../../evil.html.png", png_bytes(), content_type="text/html"))
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.file.name.startswith("attachments/") and attachment.file.name.endswith(".png")
    assert "evil" not in attachment.file.name and attachment.content_type == "image/png"
    assert str(settings.STATIC_ROOT) not in attachment.file.path
    url = reverse("artists:attachment", args=[attachment.pk])
    for user in (artist, moderator):
        client.login(username=user.username, password=PASSWORD)
        served = client.get(url)
        assert served.status_code == 200
        assert served["X-Content-Type-Options"] == "nosniff"
        assert served["Content-Disposition"].startswith("attachment;")
        assert served["Content-Type"] == "image/png"
        Image.open(io.BytesIO(b"".join(served.streaming_content))).verify()
    client.login(username=other_artist.username, password=PASSWORD)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
    # The raw /media/ URL of an attachment is not served either: the media view only knows clips.
    client.login(username=artist.username, password=PASSWORD)
    assert client.get(f"/media/{attachment.file.name}").status_code == 404


def test_clip_attachment_must_be_the_artists_own(client, artist, other_artist, clip_factory):
    theirs = clip_factory(other_artist)
    mine = clip_factory(artist)
    client.login(username=artist.username, password=PASSWORD)
    response = client.post(
        reverse("artists:feedback"), {"kind": "bug", "title": "x", "text": "y", "clip": str(theirs.id)}
    )
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    from artists.feedback import feedback_create

    with pytest.raises(ValidationError, match="only one of your own clips"):
        feedback_create(artist=artist, kind="bug", title="x", text="y", clip_id=theirs.id)
    assert feedback_create(artist=artist, kind="bug", title="x", text="y", clip_id=mine.id).clip == mine
