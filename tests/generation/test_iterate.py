"""Iterating in the studio (generation.jobs.iterate): variations in a batch, render again, remix with its
lineage, retry only where it can help, cancel refunds what was not rendered, delete with files removed,
download with a file name from the prompt and seed. Pages and API, with bad input for every new field."""

from __future__ import annotations

import uuid

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from approvals.gate import Publication
from generation.jobs.quotas import quota_status
from generation.models import Clip, JobStatus, RenderJob
from generation.worker.run import FAILED_MESSAGE, run_render
from tests.engines import FAULT_VARIABLE
from tests.factories import make_clip, make_job

pytestmark = pytest.mark.django_db

FORM = {"prompt": "a paper boat in the rain", "negative_prompt": "", "duration_s": 1, "resolution": "512x512"}
API_BODY = {"prompt": "a paper boat in the rain", "duration_s": 1, "width": 512, "height": 512}
SMALL = {"width": 64, "height": 64, "num_frames": 9, "steps": 3, "duration_s": 1, "fps": 8}


@pytest.fixture
def roomy_quota(settings):
    settings.QUOTA_CONCURRENT_JOBS = 8


# --- variations ----------------------------------------------------------------------------------------


def test_three_variations_from_the_form_are_one_batch_with_consecutive_seeds(client, artist, roomy_quota):
    client.force_login(artist)
    response = client.post(reverse("dashboard"), FORM | {"variations": "3", "seed": "10"})
    jobs = list(RenderJob.objects.filter(artist=artist).order_by("seed"))
    assert [j.seed for j in jobs] == [10, 11, 12]
    assert len({j.batch for j in jobs}) == 1 and jobs[0].batch is not None
    assert {j.origin for j in jobs} == {"variation"} and {j.prompt for j in jobs} == {FORM["prompt"]}
    assert response.status_code == 302 and response.url == reverse("batch_detail", args=[jobs[0].batch])
    page = client.get(response.url)
    assert page.status_code == 200
    for job in jobs:
        assert f'id="card-{job.id}"' in page.content.decode()
    assert quota_status(artist=artist).jobs_active == 3  # each variation counts


def test_drawn_seeds_differ_and_a_single_render_has_no_batch(client, artist, roomy_quota):
    client.force_login(artist)
    client.post(reverse("dashboard"), FORM | {"variations": "4"})
    seeds = list(RenderJob.objects.values_list("seed", flat=True))
    assert len(seeds) == 4 and len(set(seeds)) == 4
    RenderJob.objects.all().delete()
    response = client.post(reverse("dashboard"), FORM | {"variations": "1"})
    job = RenderJob.objects.get()
    assert job.batch is None and job.origin == "new" and response.url == reverse("job_detail", args=[job.id])


def test_variations_over_the_quota_queue_none(client, artist, settings):
    settings.QUOTA_CONCURRENT_JOBS = 2
    client.force_login(artist)
    response = client.post(reverse("dashboard"), FORM | {"variations": "3"})
    assert response.status_code == 429
    assert "your limit is 2 at once" in response.content.decode()
    assert not RenderJob.objects.exists()


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"variations": "0"}, "Variations must be a whole number from 1 to 4."),
        ({"variations": "5"}, "Variations must be a whole number from 1 to 4."),
        ({"variations": "many"}, "Variations must be a whole number from 1 to 4."),
        ({"variations": "4", "seed": str(2**32 - 2)}, "the first seed can be at most"),
        ({"variations": "1", "parent": "not-an-id"}, "The render to start from must be given by its id."),
        ({"variations": "1", "parent": str(uuid.uuid4())}, "There is no such render of yours to start from."),
    ],
)
def test_bad_variations_and_parent_in_the_form(client, artist, bad, message, roomy_quota):
    client.force_login(artist)
    response = client.post(reverse("dashboard"), FORM | bad)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not RenderJob.objects.exists()


def test_someone_elses_render_cannot_be_a_parent(client, artist, other_artist):
    theirs = make_job(other_artist, status=JobStatus.SUCCEEDED)
    client.force_login(artist)
    response = client.post(reverse("dashboard"), FORM | {"variations": "1", "parent": str(theirs.id)})
    assert response.status_code == 400 and not RenderJob.objects.filter(artist=artist).exists()


def test_batches_api(api, artist, roomy_quota):
    client = api(artist)
    created = client.post("/api/v1/renders/batches", API_BODY | {"variations": 2, "seeds": [5, 9]}, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert [r["seed"] for r in body["renders"]] == [5, 9] and body["batch"]
    assert {r["batch"] for r in body["renders"]} == {body["batch"]} and created["X-Quota-Jobs-Remaining"] == "6"
    listed = client.get(f"/api/v1/renders/batches/{body['batch']}").json()
    assert [r["id"] for r in listed["renders"]] == [r["id"] for r in body["renders"]]
    assert client.get(f"/api/v1/renders/batches/{uuid.uuid4()}").status_code == 404


@pytest.mark.parametrize(
    "bad, field",
    [
        ({"variations": 0}, "variations"),
        ({"variations": 5}, "variations"),
        ({"variations": "two"}, "variations"),
        ({"variations": 2, "seeds": [1]}, "seeds"),
        ({"variations": 2, "seeds": [3, 3]}, "seeds"),
        ({"variations": 2, "seeds": [1, -1]}, "seeds"),
        ({"variations": 2, "seeds": "1,2"}, "seeds"),
        ({"variations": 1, "parent": "nope"}, "parent"),
        ({"variations": 1, "parent": str(uuid.uuid4())}, "parent"),
        ({"variations": 3, "seed": 2**32 - 2}, "seed"),
    ],
)
def test_batches_api_bad_input(api, artist, bad, field, roomy_quota):
    response = api(artist).post("/api/v1/renders/batches", API_BODY | bad, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid" and field in body["errors"], body
    assert not RenderJob.objects.exists()


# --- render again, remix, lineage ------------------------------------------------------------------------


def test_render_again_keeps_the_settings_and_draws_a_new_seed(client, artist):
    clip = make_clip(artist, prompt="lanterns on water", seed=77, duration_s=2)
    client.force_login(artist)
    response = client.post(reverse("job_again", args=[clip.job_id]))
    again = RenderJob.objects.exclude(id=clip.job_id).get()
    assert response.url == reverse("job_detail", args=[again.id])
    assert (again.prompt, again.duration_s, again.width, again.parent_id, again.origin) == (
        "lanterns on water",
        2,
        512,
        clip.job_id,
        "again",
    )
    assert again.seed != 77


def test_render_again_api_and_someone_elses(api, artist, other_artist):
    mine = make_job(artist, status=JobStatus.SUCCEEDED)
    theirs = make_job(other_artist, status=JobStatus.SUCCEEDED)
    response = api(artist).post(f"/api/v1/renders/{mine.id}/again")
    assert response.status_code == 201 and response.json()["parent"] == str(mine.id)
    assert response.json()["origin"] == "again"
    assert api(artist).post(f"/api/v1/renders/{theirs.id}/again").status_code == 404


def test_remix_prefills_the_form_and_records_the_parent(client, artist):
    clip = make_clip(artist, prompt="a fox in snow", seed=4242, duration_s=3, negative_prompt="blur")
    client.force_login(artist)
    page = client.get(reverse("dashboard") + f"?remix={clip.job_id}").content.decode()
    assert "a fox in snow</textarea>" in page and 'value="4242"' in page and 'id="remix-banner"' in page
    assert f'value="{clip.job_id}"' in page  # the hidden parent
    client.post(reverse("dashboard"), FORM | {"prompt": "a fox in snow at night", "parent": str(clip.job_id)})
    remix = RenderJob.objects.get(prompt="a fox in snow at night")
    assert remix.parent_id == clip.job_id and remix.origin == "remix"


def test_remix_of_an_unknown_render_says_so(client, artist, other_artist):
    theirs = make_job(other_artist)
    client.force_login(artist)
    for wanted in ("garbage", str(theirs.id)):
        response = client.get(reverse("dashboard") + f"?remix={wanted}", follow=True)
        assert response.status_code == 200
        text = response.content.decode()
        assert 'id="remix-banner"' not in text and theirs.prompt not in text
        assert "The render to start from" in text or "no such render of yours" in text


def test_clip_page_shows_parent_siblings_and_children(client, artist):
    root = make_clip(artist, prompt="root idea")
    first = make_clip(artist, prompt="first remix", parent=root.job, origin="remix")
    second = make_job(artist, prompt="second remix", parent=root.job, origin="remix")
    child = make_job(artist, prompt="child of first", parent=first.job, origin="again")
    client.force_login(artist)
    page = client.get(reverse("clip_detail", args=[first.id])).content.decode()
    lineage = page[page.index('id="lineage"') :]
    parent = lineage[lineage.index('id="lineage-parent"') : lineage.index('id="lineage-siblings"')]
    siblings = lineage[lineage.index('id="lineage-siblings"') : lineage.index('id="lineage-children"')]
    children = lineage[lineage.index('id="lineage-children"') :]
    assert "root idea" in parent and reverse("clip_detail", args=[root.id]) in parent
    assert "second remix" in siblings and reverse("job_detail", args=[second.id]) in siblings
    assert "child of first" in children and reverse("job_detail", args=[child.id]) in children
    root_page = client.get(reverse("clip_detail", args=[root.id])).content.decode()
    assert "first remix" in root_page and "second remix" in root_page and "a new prompt" in root_page


def test_moderators_see_no_artist_controls_on_the_clip_page(client, artist, moderator):
    clip = make_clip(artist)
    client.force_login(moderator)
    page = client.get(reverse("clip_detail", args=[clip.id])).content.decode()
    assert 'id="render-again"' not in page and 'id="lineage"' not in page


# --- retry -----------------------------------------------------------------------------------------------


@pytest.fixture
def fault(settings, monkeypatch):
    def _force(kind: str) -> None:
        settings.RENDER_ENGINE = "tests.engines.FaultEngine"
        monkeypatch.setenv(FAULT_VARIABLE, kind)

    return _force


def test_a_passing_failure_offers_a_retry_that_renders(client, artist, fault, settings):
    fault("error")  # fails at the first denoising step, so a full-size job costs little
    job = make_job(artist, seed=31, duration_s=1, width=512, height=512, num_frames=9, steps=2)
    assert run_render(job_id=str(job.id)) == "failed"
    job.refresh_from_db()
    assert job.error == FAILED_MESSAGE and job.retry_helps
    client.force_login(artist)
    page = client.get(reverse("job_detail", args=[job.id])).content.decode()
    assert 'id="retry"' in page and 'id="retry-refused"' not in page
    response = client.post(reverse("job_retry", args=[job.id]))
    retried = RenderJob.objects.get(parent=job)
    assert response.url == reverse("job_detail", args=[retried.id])
    assert (retried.seed, retried.origin, retried.status) == (31, "retry", JobStatus.QUEUED)
    assert (retried.prompt, retried.width, retried.duration_s) == (job.prompt, 512, 1)


def test_a_retry_of_settings_no_longer_accepted_says_why(api, artist):
    odd = make_job(artist, status=JobStatus.FAILED, retry_helps=True, width=64, height=64)
    response = api(artist).post(f"/api/v1/renders/{odd.id}/retry")
    assert response.status_code == 400 and "Resolution must be one of" in str(response.json()["errors"])
    assert RenderJob.objects.count() == 1


def test_a_model_that_cannot_load_offers_no_retry(client, api, artist, fault):
    fault("load")
    job = make_job(artist, **SMALL)
    assert run_render(job_id=str(job.id)) == "failed"
    job.refresh_from_db()
    assert not job.retry_helps and "could not be loaded" in job.error and "fail again" in job.error
    client.force_login(artist)
    page = client.get(reverse("job_detail", args=[job.id])).content.decode()
    assert 'id="retry-refused"' in page and 'id="retry"' not in page and "could not be loaded" in page
    response = client.post(reverse("job_retry", args=[job.id]), follow=True)
    assert "A retry would fail the same way" in response.content.decode()
    answer = api(artist).post(f"/api/v1/renders/{job.id}/retry")
    assert answer.status_code == 409 and answer.json()["code"] == "retry_not_possible"
    assert api(artist).get(f"/api/v1/renders/{job.id}").json()["retry_possible"] is False
    assert RenderJob.objects.count() == 1


def test_retry_refused_for_what_did_not_fail_and_for_others(api, artist, other_artist):
    done = make_job(artist, status=JobStatus.SUCCEEDED)
    theirs = make_job(other_artist, status=JobStatus.FAILED, retry_helps=True)
    assert api(artist).post(f"/api/v1/renders/{done.id}/retry").status_code == 409
    assert api(artist).post(f"/api/v1/renders/{theirs.id}/retry").status_code == 404
    assert api(artist).post("/api/v1/renders/not-a-uuid/retry").status_code == 404
    assert RenderJob.objects.count() == 2


# --- cancel refund ---------------------------------------------------------------------------------------


def test_cancelling_a_running_render_refunds_the_seconds_not_rendered(client, artist):
    from core import clock

    running = make_job(
        artist, duration_s=8, status=JobStatus.RUNNING, progress_step=1, progress_total=4, started_at=clock.now()
    )
    queued = make_job(artist, duration_s=2)
    assert quota_status(artist=artist).seconds_used == 10
    client.force_login(artist)
    client.post(reverse("job_cancel", args=[running.id]))
    client.post(reverse("job_cancel", args=[queued.id]))
    running.refresh_from_db()
    assert running.status == JobStatus.CANCELLED and running.seconds_charged == 2  # a quarter of 8 s
    assert quota_status(artist=artist).seconds_used == 2


# --- delete ----------------------------------------------------------------------------------------------


def test_deleting_a_private_clip_asks_first_then_removes_its_files(client, artist, django_capture_on_commit_callbacks):
    clip = make_clip(artist, prompt="to delete")
    names = [clip.video.name, clip.poster.name]
    assert all(default_storage.exists(n) for n in names)
    client.force_login(artist)
    confirm = client.get(reverse("clip_delete", args=[clip.id]))
    assert confirm.status_code == 200 and 'id="confirm-delete"' in confirm.content.decode()
    assert Clip.objects.filter(id=clip.id).exists()  # a GET deletes nothing
    with django_capture_on_commit_callbacks(execute=True):  # the files go once the rows are gone
        response = client.post(reverse("clip_delete", args=[clip.id]), {"confirm": "yes"})
    assert response.url == reverse("dashboard")
    assert not Clip.objects.filter(id=clip.id).exists()
    assert not any(default_storage.exists(n) for n in names)
    job = RenderJob.objects.get(id=clip.job_id)
    assert job.deleted_at is not None  # a tombstone: the day's quota still counts it
    assert quota_status(artist=artist).seconds_used == job.duration_s
    assert "to delete" not in client.get(reverse("dashboard")).content.decode()
    assert client.get(reverse("job_detail", args=[job.id])).status_code == 404


@pytest.mark.parametrize(
    "state, words",
    [
        (Publication.PUBLISHED, "withdraw it from the gallery first"),
        (Publication.PENDING_REVIEW, "on its way to publication"),
        (Publication.APPROVED, "on its way to publication"),
    ],
)
def test_a_clip_on_its_way_to_publication_cannot_be_deleted(client, api, artist, state, words):
    clip = make_clip(artist, publication=state)
    client.force_login(artist)
    page = client.get(reverse("clip_delete", args=[clip.id])).content.decode()
    assert words in page and 'id="confirm-delete"' not in page
    response = client.post(reverse("clip_delete", args=[clip.id]), {"confirm": "yes"})
    assert response.status_code == 409 and words in response.content.decode()
    answer = api(artist).post(f"/api/v1/renders/{clip.job_id}/delete")
    assert answer.status_code == 409 and answer.json()["code"] == "delete_refused"
    assert Clip.objects.filter(id=clip.id).exists() and default_storage.exists(clip.video.name)


def test_a_clip_in_a_contest_cannot_be_deleted(api, artist, settings):
    from tests.contests.conftest import make_contest

    contest = make_contest()
    clip = make_clip(artist)
    from core import clock

    contest.entries.create(clip=clip, artist=artist, number=1, entered_at=clock.now())
    answer = api(artist).post(f"/api/v1/renders/{clip.job_id}/delete")
    assert answer.status_code == 409 and contest.title in answer.json()["detail"]
    assert Clip.objects.filter(id=clip.id).exists()


def test_delete_a_failed_render_by_api_and_refusals(api, artist, other_artist):
    failed = make_job(artist, status=JobStatus.FAILED, error="boom")
    running = make_job(artist, status=JobStatus.RUNNING)
    theirs = make_job(other_artist, status=JobStatus.FAILED)
    client = api(artist)
    assert client.post(f"/api/v1/renders/{failed.id}/delete").json() == {"id": str(failed.id), "deleted": True}
    assert client.get(f"/api/v1/renders/{failed.id}").status_code == 404
    assert client.post(f"/api/v1/renders/{failed.id}/delete").status_code == 404  # already gone
    refused = client.post(f"/api/v1/renders/{running.id}/delete")
    assert refused.status_code == 409 and "cancel it first" in refused.json()["detail"]
    assert client.post(f"/api/v1/renders/{theirs.id}/delete").status_code == 404
    assert RenderJob.objects.get(id=theirs.id).deleted_at is None


# --- download --------------------------------------------------------------------------------------------


def test_download_names_the_file_after_prompt_and_seed(client, artist, other_artist):
    clip = make_clip(artist, prompt="A paper boat, drifting!", seed=42)
    client.force_login(artist)
    response = client.get(reverse("clip_download", args=[clip.id]))
    assert response.status_code == 200 and response["Content-Type"] == "video/mp4"
    assert 'attachment; filename="a-paper-boat-drifting-seed42.mp4"' == response["Content-Disposition"]
    assert b"".join(response.streaming_content)[4:8] == b"ftyp"
    client.force_login(other_artist)
    assert client.get(reverse("clip_download", args=[clip.id])).status_code == 404
