"""An artist renders image-to-video in a real browser, with a real worker and the real tiny pipeline: picks a
PNG, sees the crop preview drawn for the chosen size, submits, and finds the first frame on the clip page; then
starts a render from a frame of that clip, whose preview shows the frame at the chosen time with the crop."""

from __future__ import annotations

import re

import numpy as np
import pytest
from PIL import Image

from generation.models import Clip, JobStatus, RenderJob
from tests.browser_fixtures import save_screenshot
from tests.factories import PASSWORD
from tests.second_factor import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_image_to_video_from_an_uploaded_png(live_server, live_worker, browser, artist, tmp_path):
    pixels = np.zeros((480, 640, 3), np.uint8)
    pixels[:, :320] = (220, 30, 30)
    pixels[:, 320:] = (30, 30, 220)
    pixels[220:260] = (30, 200, 60)
    png = tmp_path / "harbour.png"
    Image.fromarray(pixels).save(png)
    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    browser_login(page, base, artist.username, PASSWORD)
    page.goto(f"{base}/studio/")
    assert page.is_hidden("#crop-preview")
    page.fill("#id_prompt", "a harbour at dawn, the boats waking")
    page.fill("#id_duration_s", "1")
    page.select_option("#id_resolution", "512x512")
    page.set_input_files("#id_image", str(png))
    page.wait_for_selector("#crop-preview:not([hidden])")
    # The preview draws the server's crop: the centre 480x480 of the 640x480 image for a square render.
    assert page.get_attribute("#crop-preview", "data-crop") == "80,0,480,480"
    page.select_option("#id_resolution", "768x512")
    assert page.get_attribute("#crop-preview", "data-crop") == "0,26,640,427"
    page.select_option("#id_resolution", "512x512")
    save_screenshot(page, "studio-image-to-video-form")
    page.click("#render-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/renders/[0-9a-f-]+/$"))
    assert page.is_visible("#first-frame img")
    page.wait_for_selector("#player a", timeout=180_000)
    page.click("#player a")
    page.wait_for_selector("#first-frame img")
    job = RenderJob.objects.get(artist=artist)
    assert job.status == JobStatus.SUCCEEDED and job.conditioning_image
    clip = Clip.objects.get(job=job)
    assert clip.conditioning_image.name == job.conditioning_image.name
    page.wait_for_function("() => document.querySelector('#first-frame img').naturalWidth === 512", timeout=10_000)
    assert "uploaded image" in page.inner_text("#first-frame")
    page.locator("#first-frame").scroll_into_view_if_needed()
    save_screenshot(page, "studio-image-to-video")

    # A frame of the clip: the clip page's link carries the video's current time to the studio's picker.
    page.eval_on_selector("#clip-video", "v => { v.pause(); v.currentTime = 0.5; }")
    page.wait_for_function("() => document.getElementById('frame-link').href.endsWith('from_time_s=0.5')")
    page.click("#frame-link")
    page.wait_for_url(re.compile(r".*/studio/\?from_clip=.*"))
    assert page.input_value("#id_from_clip") == str(clip.id)
    assert page.input_value("#id_from_time_s") == "0.5"
    page.wait_for_selector("#crop-preview:not([hidden])")
    assert page.get_attribute("#crop-preview", "data-frame-at") == "0.5"
    assert page.get_attribute("#crop-preview", "data-crop") == "0,0,512,512"
    page.select_option("#id_resolution", "768x512")
    assert page.get_attribute("#crop-preview", "data-crop") == "0,85,512,341"
    page.fill("#id_prompt", "the same harbour, later")
    page.fill("#id_duration_s", "1")
    page.click("#render-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/renders/[0-9a-f-]+/$"))
    second = RenderJob.objects.exclude(id=job.id).get(artist=artist)
    assert second.conditioning_clip_id == clip.id and second.conditioning_time_s == 0.5
    context.close()
