"""Image-to-video (issue 14, section 3): a first frame uploaded, from an uploaded asset or from a frame of one of
the artist's clips; checked, centre-cropped to the render size, stored with the job and the clip, rendered by the
tiny preset's image-to-video build through the worker, kept by render again, removed with the render. Bad input
for every new field: a clear message, a 4xx and nothing stored."""

from __future__ import annotations

import dataclasses
import io
import re

import numpy as np
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from generation.jobs import iterate
from generation.jobs.conditioning import crop_box
from generation.models import Clip, ImageAsset, RenderJob
from generation.runtime import presets as preset_registry
from generation.worker.run import run_render

pytestmark = pytest.mark.django_db

FORM = {"prompt": "a paper boat in the rain", "negative_prompt": "", "duration_s": 1, "resolution": "512x512"}
API_BODY = {"prompt": "a paper boat in the rain", "duration_s": "1", "width": "512", "height": "512"}


@pytest.fixture(autouse=True)
def roomy_quota(settings):
    settings.QUOTA_CONCURRENT_JOBS = 8


def picture(width: int = 640, height: int = 480, fmt: str = "PNG") -> bytes:
    """A drawn picture: a left half red, a right half blue, a green bar across the middle."""
    pixels = np.zeros((height, width, 3), np.uint8)
    pixels[:, : width // 2] = (220, 30, 30)
    pixels[:, width // 2 :] = (30, 30, 220)
    pixels[height // 2 - 20 : height // 2 + 20] = (30, 200, 60)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, format=fmt)
    return out.getvalue()


def upload(data: bytes, name: str = "first.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")


def stored_files() -> set[str]:
    def walk(folder: str) -> set[str]:
        try:
            dirs, files = default_storage.listdir(folder)
        except FileNotFoundError:
            return set()
        found = {f"{folder}/{f}" for f in files}
        for d in dirs:
            found |= walk(f"{folder}/{d}")
        return found

    return walk("conditioning") | walk("assets")


def test_crop_box_is_the_largest_centred_box_of_the_render_ratio():
    assert crop_box(640, 480, 512, 512) == (80, 0, 560, 480)
    assert crop_box(480, 640, 512, 512) == (0, 80, 480, 560)
    assert crop_box(1000, 1000, 768, 512) == (0, 166, 1000, 833)


def test_form_upload_is_cropped_stored_rendered_and_shown(client, artist, other_artist):
    client.force_login(artist)
    response = client.post(reverse("dashboard"), FORM | {"seed": "5", "image": upload(picture())})
    job = RenderJob.objects.get()
    assert response.status_code == 302, response.content.decode()[:2000]
    assert job.conditioning_image.name.endswith("first-frame.png")
    with default_storage.open(job.conditioning_image.name, "rb") as handle:
        frame = Image.open(handle)
        assert frame.size == (512, 512)
        pixels = np.asarray(frame.convert("RGB"))
    # 640x480 -> the centre 480x480, scaled: the red/blue border stays in the middle, the green bar too.
    assert pixels[100, 100].tolist() == [220, 30, 30] and pixels[100, 400].tolist() == [30, 30, 220]
    assert pixels[256, 50].tolist() == [30, 200, 60]
    page = client.get(reverse("job_detail", args=[job.id])).content.decode()
    assert reverse("job_first_frame", args=[job.id]) in page and "uploaded image" in page
    assert client.get(reverse("job_first_frame", args=[job.id]))["Content-Type"] == "image/png"

    assert run_render(job_id=str(job.id)) == "succeeded"
    clip = Clip.objects.get(job=job)
    assert clip.conditioning_image.name == job.conditioning_image.name
    assert clip.metadata["image_to_video"] is True
    page = client.get(reverse("clip_detail", args=[clip.id])).content.decode()
    assert 'id="first-frame"' in page and reverse("job_first_frame", args=[job.id]) in page
    client.force_login(other_artist)
    assert client.get(reverse("job_first_frame", args=[job.id])).status_code == 404


def test_render_again_keeps_its_own_copy_and_deleting_removes_it(client, artist):
    client.force_login(artist)
    client.post(reverse("dashboard"), FORM | {"image": upload(picture())})
    job = RenderJob.objects.get()
    again = iterate.render_again(artist=artist, job_id=job.id).job
    assert again.conditioning_image.name and again.conditioning_image.name != job.conditioning_image.name
    with (
        default_storage.open(job.conditioning_image.name, "rb") as a,
        default_storage.open(again.conditioning_image.name, "rb") as b,
    ):
        assert a.read() == b.read()
    RenderJob.objects.filter(id=job.id).update(status="failed")
    name = job.conditioning_image.name
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        iterate.job_delete(artist=artist, job_id=job.id)
    assert not default_storage.exists(name) and default_storage.exists(again.conditioning_image.name)
    assert RenderJob.objects.get(id=job.id).conditioning_image.name == ""


def test_a_remix_keeps_or_changes_the_first_frame(client, artist):
    client.force_login(artist)
    client.post(reverse("dashboard"), FORM | {"image": upload(picture())})
    parent = RenderJob.objects.get()
    client.post(reverse("dashboard"), FORM | {"parent": str(parent.id), "keep_image": "on"})
    kept = RenderJob.objects.exclude(id=parent.id).get()
    assert kept.parent_id == parent.id and kept.conditioning_image.name
    client.post(reverse("dashboard"), FORM | {"parent": str(parent.id)})
    dropped = RenderJob.objects.exclude(id__in=[parent.id, kept.id]).get()
    assert dropped.parent_id == parent.id and not dropped.conditioning_image
    client.post(reverse("dashboard"), FORM | {"parent": str(parent.id), "image": upload(picture(300, 600))})
    changed = RenderJob.objects.exclude(id__in=[parent.id, kept.id, dropped.id]).get()
    with (
        default_storage.open(changed.conditioning_image.name, "rb") as a,
        default_storage.open(parent.conditioning_image.name, "rb") as b,
    ):
        assert a.read() != b.read()


def test_a_frame_of_ones_own_clip_is_taken_by_the_worker(client, artist, clip_factory):
    source = clip_factory(artist)
    client.force_login(artist)
    response = client.post(reverse("dashboard"), FORM | {"from_clip": str(source.id), "from_time_s": "0"})
    assert response.status_code == 302
    job = RenderJob.objects.exclude(id=source.job_id).get()
    assert job.conditioning_clip_id == source.id and not job.conditioning_image
    assert run_render(job_id=str(job.id)) == "succeeded"
    job.refresh_from_db()
    with default_storage.open(job.conditioning_image.name, "rb") as handle:
        assert Image.open(handle).size == (512, 512)
    assert Clip.objects.get(job=job).conditioning_image.name == job.conditioning_image.name


def _with_preset_without_image(monkeypatch):
    tiny = preset_registry.PRESETS["tiny"]
    monkeypatch.setitem(preset_registry.PRESETS, "tiny", dataclasses.replace(tiny, image_pipeline_class=""))


BAD_UPLOADS = {
    "not an image": (b"just some text, not a picture" * 10, "not a PNG, JPEG or WebP"),
    "truncated": (picture()[:300], "could not be read"),
}


@pytest.mark.parametrize("case", [*BAD_UPLOADS, "too big", "too many pixels", "preset without i2v"])
def test_bad_uploads_on_the_form_are_refused_and_nothing_is_stored(client, artist, settings, monkeypatch, case):
    data, message = BAD_UPLOADS.get(case, (picture(), ""))
    if case == "too big":
        noise = np.random.default_rng(0).integers(0, 255, (200, 200, 3), dtype=np.uint8)
        out = io.BytesIO()
        Image.fromarray(noise).save(out, format="PNG")
        data = out.getvalue()
        settings.ARTIST_UPLOAD_MAX_BYTES = 2048
        message = "the limit is 2,048 bytes"
    elif case == "too many pixels":
        settings.ARTIST_UPLOAD_MAX_PIXELS = 10_000
        message = "the limit is 10,000 pixels"
    elif case == "preset without i2v":
        _with_preset_without_image(monkeypatch)
        message = "cannot start from an image"
    before = stored_files()
    client.force_login(artist)
    response = client.post(reverse("dashboard"), FORM | {"image": upload(data)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not RenderJob.objects.exists() and stored_files() == before


@pytest.mark.parametrize(
    "case,message",
    [
        ("another artist's clip", "no such clip of yours"),
        ("beyond the end", "the clip&#x27;s last frame"),
        ("negative time", "greater than or equal to 0"),
        ("not a number", "number of seconds"),
        ("a time without a clip", "needs a clip"),
        ("both", "not both"),
    ],
)
def test_bad_frames_of_clips_are_refused(client, artist, other_artist, clip_factory, case, message):
    mine, theirs = clip_factory(artist), clip_factory(other_artist)
    values = {
        "another artist's clip": {"from_clip": str(theirs.id)},
        "beyond the end": {"from_clip": str(mine.id), "from_time_s": str(mine.duration_s + 0.5)},
        "negative time": {"from_clip": str(mine.id), "from_time_s": "-1"},
        "not a number": {"from_clip": str(mine.id), "from_time_s": "soon"},
        "a time without a clip": {"from_time_s": "1"},
        "both": {"from_clip": str(mine.id), "image": upload(picture())},
    }[case]
    before, files = RenderJob.objects.count(), stored_files()
    client.force_login(artist)
    response = client.post(reverse("dashboard"), FORM | values)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert RenderJob.objects.count() == before and stored_files() == files


# --- API ------------------------------------------------------------------------------------------------


def test_api_multipart_image_and_uploaded_asset(api, artist):
    client = api(artist)
    response = client.post("/api/v1/renders", API_BODY | {"image": upload(picture())}, format="multipart")
    assert response.status_code == 201, response.content
    job = RenderJob.objects.get(id=response.json()["id"])
    assert job.conditioning_image
    asset = client.post("/api/v1/assets", {"image": upload(picture(800, 600))}, format="multipart")
    assert asset.status_code == 201, asset.content
    assert asset.json()["width"] == 800 and ImageAsset.objects.filter(artist=artist).count() == 1
    response = client.post("/api/v1/renders", API_BODY | {"image_asset": asset.json()["id"]}, format="multipart")
    assert response.status_code == 201
    assert RenderJob.objects.get(id=response.json()["id"]).conditioning_image
    plain = client.post("/api/v1/renders", {"prompt": "x", "duration_s": 1, "width": 512, "height": 512}, format="json")
    assert plain.status_code == 201 and not RenderJob.objects.get(id=plain.json()["id"]).conditioning_image


def test_api_bad_input(api, artist, other_artist, clip_factory, monkeypatch):
    client = api(artist)
    theirs = clip_factory(other_artist)
    other_asset = api(other_artist).post("/api/v1/assets", {"image": upload(picture())}, format="multipart").json()
    before_files = stored_files()
    cases = [
        ({"image": upload(b"not an image at all" * 5)}, "image", "not a PNG, JPEG or WebP"),
        ({"image": upload(picture()[:200])}, "image", "could not be read"),
        ({"image_asset": other_asset["id"]}, "image_asset", "no such image of yours"),
        ({"image_asset": "nope"}, "image_asset", "valid UUID"),
        ({"from_clip": str(theirs.id)}, "from_clip", "no such clip of yours"),
        ({"from_time_s": "2"}, "from_time_s", "needs a clip"),
    ]
    for extra, field, message in cases:
        response = client.post("/api/v1/renders", API_BODY | extra, format="multipart")
        assert response.status_code == 400, (extra, response.content)
        body = response.json()
        assert field in body["errors"] and message in " ".join(body["errors"][field]), body
        assert {"detail", "code", "errors"} <= set(body)
    bad_asset = client.post("/api/v1/assets", {"image": upload(b"GIF89a not allowed")}, format="multipart")
    assert bad_asset.status_code == 400 and "image" in bad_asset.json()["errors"]
    _with_preset_without_image(monkeypatch)
    response = client.post("/api/v1/renders", API_BODY | {"image": upload(picture())}, format="multipart")
    assert response.status_code == 400 and "cannot start from an image" in " ".join(response.json()["errors"]["image"])
    assert not RenderJob.objects.filter(artist=artist).exists() and stored_files() == before_files


# --- the tiny image-to-video build, through the worker ---------------------------------------------------


def _first_frame_of(clip: Clip) -> np.ndarray:
    import av

    with default_storage.open(clip.video.name, "rb") as handle, av.open(handle) as container:
        frame = next(container.decode(video=0))
        return frame.to_ndarray(format="rgb24").astype(np.float64)


def _render_first_frames(artist, image: bytes | None, *, seed: int = 42) -> tuple[np.ndarray, np.ndarray | None]:
    from generation.jobs.conditioning import Conditioning
    from generation.jobs.submit import job_submit

    conditioning = Conditioning(image=image) if image else None
    job = job_submit(
        artist=artist, prompt="a red boat", duration_s=1, width=512, height=512, seed=seed, conditioning=conditioning
    ).job
    assert run_render(job_id=str(job.id)) == "succeeded"
    job.refresh_from_db()
    reference = None
    if job.conditioning_image:
        with default_storage.open(job.conditioning_image.name, "rb") as handle:
            reference = np.asarray(Image.open(handle).convert("RGB"), dtype=np.float64)
    return _first_frame_of(Clip.objects.get(job=job)), reference


def test_the_worker_renders_image_to_video_and_reports_the_distances(artist, capsys):
    """Through the worker, same seed: the image pipeline's first frame is not the text-to-video one."""
    t2v, _ = _render_first_frames(artist, None)
    i2v, reference = _render_first_frames(artist, picture())
    again, _ = _render_first_frames(artist, picture())
    assert reference is not None and reference.shape == (512, 512, 3)
    # The same image and seed again differ only by each clip's own forensic watermark and its encoding.
    noise = np.abs(again - i2v).mean()
    assert np.abs(i2v - t2v).mean() > 4 * noise + 1.0
    with capsys.disabled():
        print(
            f"\nfirst-frame MAE to the image at 512x512 (0-255): i2v {np.abs(i2v - reference).mean():.2f}, "
            f"t2v {np.abs(t2v - reference).mean():.2f}; i2v vs t2v {np.abs(i2v - t2v).mean():.2f}, "
            f"same image again {noise:.2f}"
        )


def test_the_engine_passes_the_image_to_the_image_pipeline(tmp_path):
    """The engine (no watermark, no encoding): the image pipeline runs, is deterministic, and reads the image."""
    from generation.runtime.engine import Engine, RenderRequest

    paths = []
    for i, (w, h) in enumerate(((640, 480), (480, 640))):
        path = tmp_path / f"{i}.png"
        Image.open(io.BytesIO(picture(w, h))).resize((64, 64)).save(path)
        paths.append(str(path))
    engine = Engine()
    base = RenderRequest(
        prompt="a red boat", negative_prompt="", width=64, height=64, num_frames=9, steps=3, guidance=3.0, seed=1
    )

    def first(request):
        video = engine.render(request)
        try:
            return video.frame(0).astype(np.int64)
        finally:
            video.close()

    t2v = first(base)
    one, one_again = (
        first(dataclasses.replace(base, image_path=paths[0])),
        first(dataclasses.replace(base, image_path=paths[0])),
    )
    two = first(dataclasses.replace(base, image_path=paths[1]))
    assert type(engine.pipeline(base)._vernissage_image_pipe).__name__ == "LTXImageToVideoPipeline"
    assert engine.load_count == 1  # the image pipeline shares the warm pipeline's components
    assert np.array_equal(one, one_again)
    assert not np.array_equal(one, t2v) and not np.array_equal(one, two)


def test_the_image_to_video_first_frame_is_closer_to_its_image_than_text_to_video(artist):
    t2v, _ = _render_first_frames(artist, None, seed=7)
    i2v, reference = _render_first_frames(artist, picture(), seed=7)
    assert reference is not None
    i2v_error, t2v_error = np.abs(i2v - reference).mean(), np.abs(t2v - reference).mean()
    # Measured: 11.4 against 95.9 (0-255). The first frame is the image at 1/32 resolution (the tiny VAE's
    # 32x32 blocks), so the green bar's edges cost most of it.
    assert i2v_error < 20 and i2v_error < 0.25 * t2v_error


def test_the_export_includes_the_first_frames(client, artist):
    import json
    import zipfile

    from artists.exports import export_build, export_request
    from artists.models import Export

    client.force_login(artist)
    client.post(reverse("dashboard"), FORM | {"image": upload(picture())})
    job = RenderJob.objects.get()
    assert run_render(job_id=str(job.id)) == "succeeded"
    clip = Clip.objects.get(job=job)
    export = export_request(artist=artist)
    assert export_build(export_id=export.id) is True
    export = Export.objects.get(id=export.id)
    with default_storage.open(export.file.name, "rb") as handle:
        zf = zipfile.ZipFile(io.BytesIO(handle.read()))
    first = default_storage.open(job.conditioning_image.name, "rb").read()
    assert zf.read(f"clips/{clip.id}/first-frame.png") == first
    assert zf.read(f"renders/{job.id}/first-frame.png") == first
    assert json.loads(zf.read("renders.json"))[0]["first_frame"] == f"renders/{job.id}/first-frame.png"


def test_a_render_whose_source_clip_was_deleted_fails_rather_than_render_without_its_frame(
    client, artist, clip_factory
):
    source = clip_factory(artist)
    client.force_login(artist)
    client.post(reverse("dashboard"), FORM | {"from_clip": str(source.id), "from_time_s": "0"})
    job = RenderJob.objects.exclude(id=source.job_id).get()
    RenderJob.objects.filter(id=source.job_id).update(status="succeeded")
    Clip.objects.filter(id=source.id).delete()
    assert run_render(job_id=str(job.id)) == "failed"
    assert not Clip.objects.filter(job=job).exists()


def test_the_studio_offers_the_artists_own_clips_for_a_first_frame(client, artist, other_artist):
    from tests.factories import make_clip

    mine, theirs = make_clip(artist), make_clip(other_artist)
    client.force_login(artist)
    page = client.get(reverse("dashboard"), {"from_clip": str(mine.id), "from_time_s": "1.5"}).content.decode()
    option = re.search(rf'<option value="{mine.id}"([^>]*)>', page)
    assert option is not None, "the artist's clip is offered"
    assert {"selected", f'data-src="{mine.video_src}"', f'data-duration="{mine.duration_s:.2f}"'} <= set(
        option.group(1).split()
    )
    assert str(theirs.id) not in page
    assert 'name="from_time_s" value="1.5"' in page
    for bad in ("soon", "inf", "nan", "-3"):
        answer = client.get(reverse("dashboard"), {"from_clip": str(mine.id), "from_time_s": bad})
        assert answer.status_code == 200
        assert 'name="from_time_s" value="1.5"' not in answer.content.decode()
