"""Run in a subprocess by tests/core/test_sentry.py: the site with SENTRY_DSN pointing at the test's stub
server, one failing API request that carries an API token and a prompt, and one failing render whose
engine error quotes its prompt (tests.engines.PromptEchoEngine). The events go out through sentry-sdk's
real transport."""

from __future__ import annotations

import os
import sys

import django

PROMPT = "a velvet heron crossing the midnight tram lines"
WORKER_PROMPT = "seven copper kites over a flooded orchard"


def main() -> None:
    django.setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    import sentry_sdk

    from accounts.services.tokens import token_issue
    from generation.jobs import submit
    from generation.jobs.dispatch import job_mark_dispatched
    from generation.worker.run import run_render
    from tests.factories import make_user

    artist = make_user("north", role="artist")
    raw = token_issue(user=artist, name="probe").raw

    # The web: a failure deep in the submit path, whose message names the token and the prompt.
    real_admit = submit.job_admit

    def broken_admit(**kwargs):
        raise RuntimeError(f"admission broke for {PROMPT} with {raw}")

    submit.job_admit = broken_admit
    client = Client(raise_request_exception=False, HTTP_HOST="127.0.0.1")
    answer = client.post(
        f"/api/v1/renders?access_token={raw}",
        {"prompt": PROMPT, "duration_s": 1, "width": 512, "height": 512},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
        HTTP_COOKIE=f"sessionid=abc; token={raw}",
    )
    print("api status", answer.status_code, flush=True)
    submit.job_admit = real_admit

    # The worker: the engine fails quoting the prompt; the run logs the exception.
    job = submit.job_create(artist=artist, prompt=WORKER_PROMPT, duration_s=1, width=512, height=512)
    job_mark_dispatched(job_id=job.id)
    with sentry_sdk.isolation_scope():
        print("render", run_render(job_id=str(job.id)), flush=True)
    sentry_sdk.flush(timeout=10)


if __name__ == "__main__":
    sys.path.insert(0, os.getcwd())
    main()
