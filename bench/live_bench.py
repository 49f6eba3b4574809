#!/usr/bin/env python
"""Live-update bench: what one open studio page costs the server, and how soon it shows a change.

    .venv/bin/python bench/live_bench.py [--renders 50] [--seconds 60] [--changes 20]

On a fresh SQLite database in a temporary folder it makes an artist with --renders renders (one running,
the rest finished with clips) and serves the site with Django's live server thread. A real Chromium
(/usr/bin/chromium, or VERNISSAGE_CHROMIUM) opens the studio as the artist, and then:

1. for --seconds it counts the requests the page makes to the live feed (/studio/live) and how many were
   answered 304 Not Modified, while the running render advances one step every 5 s;
2. it measures the SQL queries one feed request costs (200 and 304), with 1 and with --renders renders;
3. --changes times, it writes a state change of the running render (its progress step) and times how long
   until the page shows it (the card's progress bar), and prints the median and the largest.

4. the same page with its poll blocked, listening instead to a server-sent-events variant of the same feed
   that exists only in this bench (/bench/sse: a loop in the server reads the feed every SSE_TICK_S and
   pushes it when it changed): new requests and SQL queries per minute, and the latency of --changes changes.

Figures only. The page polls every generation.live.POLL_MS milliseconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _setup() -> None:
    folder = Path(tempfile.mkdtemp(prefix="vernissage-live-bench-"))
    os.environ["VERNISSAGE_VAR_DIR"] = str(folder / "var")
    os.environ["DJANGO_MEDIA_ROOT"] = str(folder / "media")
    os.environ["DJANGO_STATIC_ROOT"] = str(folder / "static")
    os.environ["VERNISSAGE_SQLITE_PATH"] = str(folder / "bench.sqlite3")
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("CELERY_BROKER_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    for name in ("var", "media", "static"):
        (folder / name).mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _fill(renders: int):
    from django.contrib.auth import get_user_model

    from accounts.services.roles import user_set_role
    from core import clock
    from generation.models import Clip, JobStatus, RenderJob

    artist = get_user_model().objects.create_user(username="bench", password="bench-password-42")
    user_set_role(user=artist, role="artist")
    values = {
        "duration_s": 1,
        "width": 512,
        "height": 512,
        "preset": "tiny",
        "fps": 24,
        "num_frames": 25,
        "steps": 8,
        "guidance": 3.0,
        "progress_total": 8,
    }
    running = RenderJob.objects.create(
        artist=artist, prompt="the running one", seed=0, status=JobStatus.RUNNING, started_at=clock.now(), **values
    )
    for i in range(renders - 1):
        job = RenderJob.objects.create(
            artist=artist, prompt=f"finished {i}", seed=i + 1, status=JobStatus.SUCCEEDED, **values
        )
        RenderJob.objects.filter(id=job.id).update(finished_at=clock.now() - timedelta(hours=1))
        key = os.urandom(16).hex()
        Clip.objects.create(
            job=job,
            artist=artist,
            media_key=key,
            video=f"clips/{key}/video.mp4",
            poster=f"clips/{key}/poster.jpg",
            width=512,
            height=512,
            fps=24,
            num_frames=25,
        )
    return get_user_model().objects.get(pk=artist.pk), running


def _queries(artist) -> dict[str, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(artist)
    first = client.get("/studio/live")
    client.get("/studio/live")  # warm caches
    with CaptureQueriesContext(connection) as full:
        client.get("/studio/live")
    with CaptureQueriesContext(connection) as unchanged:
        answer = client.get("/studio/live", HTTP_IF_NONE_MATCH=first["ETag"])
    return {"200": len(full), "304": len(unchanged), "status_unchanged": answer.status_code}


SSE_TICK_S = 1.0  # how often the SSE stream's loop reads the feed (its latency and query cost follow from it)
_sse_queries = [0]


def _sse_urls():
    """A URL conf with the bench's server-sent-events variant of the feed beside the site's URLs: the same
    body as /studio/live, pushed by a loop that reads it every SSE_TICK_S and sends it when it changed."""
    import json
    import types

    from django.db import close_old_connections, connection
    from django.http import StreamingHttpResponse
    from django.urls import include, path

    from generation.api import render_data
    from generation.live import feed_jobs, live_counts

    def count(execute, sql, params, many, context):
        _sse_queries[0] += 1
        return execute(sql, params, many, context)

    def stream(user):
        last = None
        try:
            while True:
                with connection.execute_wrapper(count):
                    jobs = feed_jobs(user)
                    body = json.dumps(
                        {"renders": render_data(jobs, artist=user) if jobs else [], "counts": live_counts(user)},
                        default=str,
                    )
                if body != last:
                    last = body
                    yield f"data: {body}\n\n"
                else:
                    yield ": keep-alive\n\n"
                time.sleep(SSE_TICK_S)
        finally:
            close_old_connections()

    def sse_feed(request):
        from django.contrib.auth import get_user_model

        with connection.execute_wrapper(count):
            user = get_user_model().objects.get(pk=request.user.pk)
        response = StreamingHttpResponse(stream(user), content_type="text/event-stream")
        response["Cache-Control"] = "no-cache"
        return response

    module = types.ModuleType("bench_live_urls")
    module.urlpatterns = [path("bench/sse", sse_feed), path("", include("config.urls"))]
    sys.modules["bench_live_urls"] = module
    return "bench_live_urls"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--renders", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--changes", type=int, default=20)
    args = parser.parse_args()
    _setup()

    from django.conf import settings
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.db.models import F
    from django.test import Client
    from django.test.testcases import LiveServerThread
    from django.urls import clear_url_caches

    from generation.live import POLL_MS
    from generation.models import RenderJob

    settings.ALLOWED_HOSTS = ["*"]
    settings.ROOT_URLCONF = _sse_urls()
    clear_url_caches()
    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
    artist, running = _fill(args.renders)
    one_artist, _ = _fill_one()
    queries_one, queries_many = _queries(one_artist), _queries(artist)

    server = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    base = f"http://127.0.0.1:{server.port}"
    client = Client()
    client.force_login(artist)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("VERNISSAGE_CHROMIUM", "/usr/bin/chromium"),
            headless=True,
            args=["--no-sandbox", "--disable-gpu"],
        )
        context = browser.new_context()
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base}])
        page = context.new_page()
        counts = {"requests": 0, "304": 0, "200": 0}

        def on_response(response):
            if response.url.startswith(base + "/studio/live"):
                counts["requests"] += 1
                key = str(response.status)
                counts[key] = counts.get(key, 0) + 1

        page.on("response", on_response)
        page.goto(f"{base}/studio/?sort=oldest")
        page.wait_for_selector(f"#card-{running.id}")
        cards = page.locator(".render-card").count()

        # 1. A minute of one open page, the running render advancing a step every 5 s.
        stop = threading.Event()

        def advance():
            while not stop.wait(5):
                RenderJob.objects.filter(id=running.id).update(progress_step=(F("progress_step") + 1) % 8)

        ticker = threading.Thread(target=advance, daemon=True)
        started = time.monotonic()
        ticker.start()
        page.wait_for_timeout(args.seconds * 1000)
        stop.set()
        ticker.join()
        elapsed = time.monotonic() - started
        per_minute = {k: v * 60 / elapsed for k, v in counts.items()}

        # 3. Latency from a state change to the page showing it (each change a new progress value).
        bar = f"document.querySelector('#card-{running.id} .card-progress')"
        RenderJob.objects.filter(id=running.id).update(progress_step=0, progress_total=8)
        page.wait_for_function(f"() => {bar}.value === 0", timeout=10_000)
        latencies = []
        for i in range(args.changes):
            page.wait_for_timeout(300 + (i * 137) % POLL_MS)  # changes land at different points of the poll cycle
            step = (i % 7) + 1
            RenderJob.objects.filter(id=running.id).update(progress_step=step)
            changed = time.monotonic()
            page.wait_for_function(f"() => Math.abs({bar}.value - {step / 8}) < 1e-4", timeout=10_000, polling=10)
            latencies.append((time.monotonic() - changed) * 1000)
        # The same with server-sent events: a fresh page whose poll is blocked, listening to /bench/sse.
        sse_page = context.new_page()
        sse_page.route("**/studio/live", lambda route: route.abort())
        sse_page.goto(f"{base}/studio/?sort=oldest")
        sse_requests = []
        sse_page.on("request", lambda r: sse_requests.append(r.url) if "/bench/sse" in r.url else None)
        sse_page.evaluate(
            "() => { window.__step = null; const es = new EventSource('/bench/sse');"
            f" es.onmessage = e => {{ const r = JSON.parse(e.data).renders.find(x => x.id === '{running.id}');"
            " if (r) window.__step = r.step; }; }"
        )
        sse_page.wait_for_function("() => window.__step !== null", timeout=10_000)
        _sse_queries[0] = 0
        sse_requests.clear()
        stop = threading.Event()
        ticker = threading.Thread(target=advance, daemon=True)
        started = time.monotonic()
        ticker.start()
        sse_page.wait_for_timeout(args.seconds * 1000)
        stop.set()
        ticker.join()
        sse_elapsed = time.monotonic() - started
        sse_queries_per_minute = _sse_queries[0] * 60 / sse_elapsed
        sse_requests_per_minute = len(sse_requests) * 60 / sse_elapsed
        RenderJob.objects.filter(id=running.id).update(progress_step=0)
        sse_page.wait_for_function("() => window.__step === 0", timeout=10_000)
        sse_latencies = []
        for i in range(args.changes):
            sse_page.wait_for_timeout(300 + (i * 137) % POLL_MS)
            step = (i % 7) + 1
            RenderJob.objects.filter(id=running.id).update(progress_step=step)
            changed = time.monotonic()
            sse_page.wait_for_function(f"() => window.__step === {step}", timeout=10_000, polling=10)
            sse_latencies.append((time.monotonic() - changed) * 1000)
        browser.close()
    server.terminate()

    print(f"live feed (ETag/304 poll every {POLL_MS} ms), one open studio page, {cards} cards on it")
    print(f"  {args.renders} renders in the library, 1 running; measured for {elapsed:.0f} s")
    print(
        f"  requests/min: {per_minute['requests']:.1f}  (200: {per_minute.get('200', 0):.1f}, "
        f"304: {per_minute.get('304', 0):.1f})"
    )
    q200, q304 = queries_many["200"], queries_many["304"]
    print(f"  SQL queries per request with {args.renders} renders: 200 -> {q200}, 304 -> {q304}")
    print(f"  SQL queries per request with 1 render:   200 -> {queries_one['200']}, 304 -> {queries_one['304']}")
    print(
        f"  SQL queries/min: {per_minute.get('200', 0) * q200 + per_minute.get('304', 0) * q304:.0f}"
        f" (requests/min x queries per request)"
    )
    print(
        f"  state change -> page shows it, over {len(latencies)}: median {statistics.median(latencies):.0f} ms,"
        f" max {max(latencies):.0f} ms"
    )
    print(f"server-sent events (the bench's /bench/sse: one stream, the server reads the feed every {SSE_TICK_S} s)")
    print(f"  new requests/min: {sse_requests_per_minute:.1f} (one stream held open: a server thread per page)")
    print(f"  SQL queries/min: {sse_queries_per_minute:.0f}")
    print(
        f"  state change -> page has it, over {len(sse_latencies)}: median {statistics.median(sse_latencies):.0f} ms,"
        f" max {max(sse_latencies):.0f} ms"
    )


def _fill_one():
    """A second artist with one running render (the 1-render query count)."""
    from django.contrib.auth import get_user_model

    from accounts.services.roles import user_set_role
    from core import clock
    from generation.models import JobStatus, RenderJob

    artist = get_user_model().objects.create_user(username="bench-one", password="bench-password-42")
    user_set_role(user=artist, role="artist")
    job = RenderJob.objects.create(
        artist=artist,
        prompt="alone",
        seed=0,
        status=JobStatus.RUNNING,
        started_at=clock.now(),
        duration_s=1,
        width=512,
        height=512,
        preset="tiny",
        fps=24,
        num_frames=25,
        steps=8,
        guidance=3.0,
        progress_total=8,
    )
    return get_user_model().objects.get(pk=artist.pk), job


if __name__ == "__main__":
    main()
