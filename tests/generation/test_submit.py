"""Submitting a prompt from the form and the API: valid input queues a job; bad input is a clear 4xx."""

from __future__ import annotations

import pytest

from core.models import AuditEvent
from generation.models import JobStatus, RenderJob
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

VALID_API = {
    "prompt": "a lighthouse in fog",
    "negative_prompt": "text",
    "duration_s": 2,
    "width": 512,
    "height": 512,
    "seed": 42,
}
VALID_FORM = {
    "prompt": "a lighthouse in fog",
    "negative_prompt": "text",
    "duration_s": "2",
    "resolution": "512x512",
    "seed": "42",
}


def test_api_submit_queues_a_job_with_exact_values(artist, api):
    response = api(artist).post("/api/v1/renders", VALID_API, format="json")
    assert response.status_code == 201
    body = response.json()
    job = RenderJob.objects.get(id=body["id"])
    assert body["status"] == "queued" == job.status
    assert (job.width, job.height, job.duration_s, job.seed, job.fps, job.num_frames) == (512, 512, 2, 42, 24, 49)
    assert job.negative_prompt == "text" and job.artist == artist
    assert AuditEvent.objects.filter(action="job.submitted", object_id=str(job.id)).exists()


def test_empty_seed_draws_and_stores_a_random_one(artist, api):
    response = api(artist).post("/api/v1/renders", {**VALID_API, "seed": None}, format="json")
    assert response.status_code == 201
    seed = RenderJob.objects.get(id=response.json()["id"]).seed
    assert 0 <= seed <= 2**32 - 1 and response.json()["seed"] == seed


@pytest.mark.parametrize("size", ["1024x768", "768x512", "512x512", "512x768"])
def test_every_resolution_preset_is_accepted(artist, api, size):
    width, height = map(int, size.split("x"))
    response = api(artist).post("/api/v1/renders", {**VALID_API, "width": width, "height": height}, format="json")
    assert response.status_code == 201


BAD_API = [
    ("prompt", "", "prompt", "may not be blank"),
    ("prompt", "   ", "prompt", "may not be blank"),
    ("prompt", "x" * 1001, "prompt", "no more than 1000 characters"),
    ("prompt", None, "prompt", "may not be null"),
    ("prompt", ["a", "list"], "prompt", "Not a valid string"),
    ("negative_prompt", "n" * 1001, "negative_prompt", "no more than 1000 characters"),
    ("duration_s", 0, "duration_s", "greater than or equal to 1"),
    ("duration_s", 11, "duration_s", "less than or equal to 10"),
    ("duration_s", 2.5, "duration_s", "valid integer"),
    ("duration_s", "two", "duration_s", "valid integer"),
    ("width", 1280, "width", "Resolution must be one of"),
    ("width", 2048, "width", "Resolution must be one of"),
    ("height", 720, "width", "Resolution must be one of"),
    ("height", -512, "width", "Resolution must be one of"),
    ("width", "wide", "width", "valid integer"),
    ("seed", -1, "seed", "greater than or equal to 0"),
    ("seed", 2**32, "seed", "less than or equal to 4294967295"),
    ("seed", "lucky", "seed", "valid integer"),
]


@pytest.mark.parametrize("field, value, error_field, message", BAD_API)
def test_api_bad_input_is_a_clear_400_and_stores_nothing(artist, api, field, value, error_field, message):
    response = api(artist).post("/api/v1/renders", {**VALID_API, field: value}, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert message in " ".join(body["errors"][error_field]), body
    assert body["detail"]
    assert not RenderJob.objects.exists()


@pytest.mark.parametrize("missing", ["prompt", "duration_s", "width", "height"])
def test_api_missing_required_field(artist, api, missing):
    data = {k: v for k, v in VALID_API.items() if k != missing}
    response = api(artist).post("/api/v1/renders", data, format="json")
    assert response.status_code == 400
    assert "This field is required." in response.json()["errors"][missing]
    assert not RenderJob.objects.exists()


def test_api_malformed_json_and_wrong_content_type(artist, api):
    client = api(artist)
    response = client.post("/api/v1/renders", "{not json", content_type="application/json")
    assert response.status_code == 400 and "JSON parse error" in response.json()["detail"]
    response = client.post("/api/v1/renders", "prompt=x", content_type="text/plain")
    assert response.status_code == 415 and "Unsupported media type" in response.json()["detail"]
    response = client.post("/api/v1/renders", [1, 2], format="json")
    assert response.status_code == 400
    assert not RenderJob.objects.exists()


def test_api_requires_a_token_and_an_artist(moderator, api):
    assert api().post("/api/v1/renders", VALID_API, format="json").status_code == 401
    response = api(moderator).post("/api/v1/renders", VALID_API, format="json")
    assert response.status_code == 403 and "Only invited artists" in response.json()["detail"]
    assert not RenderJob.objects.exists()


def test_other_artists_job_is_404(artist, other_artist, api):
    job_id = api(artist).post("/api/v1/renders", VALID_API, format="json").json()["id"]
    assert api(other_artist).get(f"/api/v1/renders/{job_id}").status_code == 404
    assert api(other_artist).get("/api/v1/renders/not-a-uuid").status_code == 404
    assert api(artist).get(f"/api/v1/renders/{job_id}").status_code == 200


def test_form_submit_queues_and_redirects_to_the_progress_page(client, artist):
    client.login(username=artist.username, password=PASSWORD)
    response = client.post("/studio/", VALID_FORM)
    job = RenderJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/renders/{job.id}/"
    assert (job.status, job.seed, job.width, job.height) == (JobStatus.QUEUED, 42, 512, 512)
    page = client.get(response["Location"])
    assert page.status_code == 200 and b"job-progress" in page.content


def test_form_empty_seed_is_random(client, artist):
    client.login(username=artist.username, password=PASSWORD)
    client.post("/studio/", {**VALID_FORM, "seed": ""})
    assert RenderJob.objects.get().seed >= 0


BAD_FORM = [
    ("prompt", "", "Write a prompt: it cannot be empty."),
    ("prompt", "   ", "Write a prompt: it cannot be empty."),
    ("prompt", "x" * 1001, "at most 1000 characters"),
    ("negative_prompt", "n" * 1001, "at most 1000 characters"),
    ("duration_s", "0", "greater than or equal to 1"),
    ("duration_s", "11", "less than or equal to 10"),
    ("duration_s", "1.5", "Duration must be a whole number of seconds."),
    ("duration_s", "", "This field is required."),
    ("resolution", "1280x720", "Select a valid choice"),
    ("resolution", "", "This field is required."),
    ("seed", "-5", "greater than or equal to 0"),
    ("seed", "99999999999", "less than or equal to 4294967295"),
    ("seed", "abc", "Seed must be a whole number."),
]


@pytest.mark.parametrize("field, value, message", BAD_FORM)
def test_form_bad_input_shows_the_message_and_stores_nothing(client, artist, field, value, message):
    client.login(username=artist.username, password=PASSWORD)
    response = client.post("/studio/", {**VALID_FORM, field: value})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not RenderJob.objects.exists()


def test_form_keeps_what_was_typed_after_an_error(client, artist):
    client.login(username=artist.username, password=PASSWORD)
    response = client.post("/studio/", {**VALID_FORM, "duration_s": "42"})
    assert "a lighthouse in fog" in response.content.decode()


def test_studio_needs_login_and_an_artist(client, moderator):
    assert client.get("/studio/")["Location"].startswith("/accounts/login/")
    client.login(username=moderator.username, password=PASSWORD)
    assert client.get("/studio/")["Location"] == "/review/"


def test_studio_empty_state_and_exact_values(client, artist):
    client.login(username=artist.username, password=PASSWORD)
    page = client.get("/studio/").content.decode()
    assert "No renders yet" in page
    assert '"2": 49' in page  # 2 s at 24 fps -> 49 frames (8k+1), shown before submitting
