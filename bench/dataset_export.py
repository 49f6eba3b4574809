#!/usr/bin/env python
"""Dataset export bench: peak memory of streaming the evaluation export of 1,000 and 10,000 rated generations.

    .venv/bin/python bench/dataset_export.py [--sizes 1000,10000] [--database postgres://postgres@127.0.0.1:5432/vrn_export]
        [--var-dir var/exportbench]

For each size it makes a fresh database (SQLite in --var-dir by default, or the PostgreSQL database named,
dropped and created again), fills it in one process (one consenting artist, N clips without files, each with
a rating of two tags and a note), then, in a new process, streams GET /evaluation/export.jsonl (the view
itself, called as an admin, every line read and dropped) over a window that holds all N clips, then, in
another new process, the same export in Parquet (format=parquet: each row group written to a temporary file
as it arrives; its rows counted from the file's footer after the peak is read). It prints, per size and
format: rows and bytes streamed, seconds, the process's resident memory before the export, its peak (VmHWM)
after it, and the growth. Figures only: no assertions. Constant memory means the peak does not grow with N.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--database", default="", help="a postgres:// URL (dropped and made again); default SQLite")
    parser.add_argument("--var-dir", default=str(ROOT / "var" / "exportbench"))
    parser.add_argument("--fill", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--export", choices=("jsonl", "parquet"), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def environment(args) -> dict[str, str]:
    var = Path(args.var_dir)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "VERNISSAGE_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "VERNISSAGE_VAR_DIR": str(var),
            "DJANGO_MEDIA_ROOT": str(var / "media"),
            "DJANGO_STATIC_ROOT": str(var / "static"),
            "DJANGO_LOG_LEVEL": "WARNING",
            "DJANGO_DEBUG": "0",  # DEBUG keeps every query in memory: that would be the bench's own growth
            "DJANGO_SECRET_KEY": "export-bench-only-" + "x" * 40,
            "DJANGO_ALLOWED_HOSTS": "testserver,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "VERNISSAGE_SINGLE_MACHINE": "1",
        }
    )
    env.pop("CELERY_BROKER_URL", None)
    if args.database:
        env["DATABASE_URL"] = args.database
    else:
        env.pop("DATABASE_URL", None)
        env["VERNISSAGE_SQLITE_PATH"] = str(var / "export.sqlite3")
    return env


def fresh_database(args) -> None:
    var = Path(args.var_dir)
    var.mkdir(parents=True, exist_ok=True)
    if not args.database:
        for suffix in ("", "-wal", "-shm"):
            Path(str(var / "export.sqlite3") + suffix).unlink(missing_ok=True)
        return
    import psycopg

    name = args.database.rsplit("/", 1)[1]
    with psycopg.connect(args.database.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def fill(n: int) -> None:
    """One consenting artist and n rated clips (rows only), in bulk."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from accounts.services.roles import user_set_role
    from evaluation.models import Rating, Tag
    from evaluation.services import evaluation_consent_grant
    from generation.models import Clip, JobStatus, RenderJob

    artist = get_user_model().objects.create_user(username="bench-artist", password="x" * 20)
    user_set_role(user=artist, role="artist")
    admin = get_user_model().objects.create_user(username="bench-admin", password="x" * 20)
    user_set_role(user=admin, role="admin")
    evaluation_consent_grant(artist=artist, terms_version=1)
    tags = list(Tag.objects.all()[:2])
    batch = 1000
    for start in range(0, n, batch):
        size = min(batch, n - start)
        jobs = RenderJob.objects.bulk_create(
            RenderJob(
                artist=artist,
                prompt=f"bench prompt {start + i}: a paper boat on a rainy street, slow dolly",
                duration_s=1,
                width=512,
                height=512,
                seed=start + i,
                preset="tiny",
                model_source="built-in tiny pipeline",
                fps=24,
                num_frames=25,
                steps=2,
                guidance=3.0,
                status=JobStatus.SUCCEEDED,
            )
            for i in range(size)
        )
        clips = Clip.objects.bulk_create(
            Clip(
                job=job,
                artist=artist,
                media_key=f"bench{start + i:08d}",
                video=f"clips/bench{start + i:08d}/video.mp4",
                poster=f"clips/bench{start + i:08d}/poster.jpg",
                width=512,
                height=512,
                fps=24,
                num_frames=25,
            )
            for i, job in enumerate(jobs)
        )
        ratings = Rating.objects.bulk_create(
            Rating(clip=clip, artist=artist, overall=1 + (start + i) % 5, note="flicker in the last second")
            for i, clip in enumerate(clips)
        )
        Rating.tags.through.objects.bulk_create(
            Rating.tags.through(rating_id=r.pk, tag_id=t.pk) for r in ratings for t in tags
        )


def export(kind: str) -> dict:
    import tempfile

    import django

    django.setup()
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.test import RequestFactory

    from evaluation.views import export as export_view

    admin = get_user_model().objects.get(username="bench-admin")
    since = (dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).date().isoformat()
    request = RequestFactory().get("/evaluation/export.jsonl", {"since": since, "days": 3, "format": kind})
    request.user = admin
    if kind == "parquet":
        import pyarrow.parquet  # noqa: F401  (imported before the baseline, as a web process has it loaded)
    rss_before = _status_kb("VmRSS")
    started = time.perf_counter()
    response = export_view(request)
    rows = size = 0
    with tempfile.TemporaryFile() as out:
        for chunk in response.streaming_content:
            rows += chunk.count(b"\n")
            size += len(chunk)
            if kind == "parquet":
                out.write(chunk)
        seconds = time.perf_counter() - started
        peak = _status_kb("VmHWM")
        if kind == "parquet":
            import pyarrow.parquet as pq

            out.seek(0)
            rows = pq.ParquetFile(out).metadata.num_rows
    return {
        "rows": rows,
        "bytes": size,
        "seconds": seconds,
        "rss_before_kb": rss_before,
        "peak_kb": peak,
    }


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.fill:
        fill(args.fill)
        return 0
    if args.export:
        print(json.dumps(export(args.export)))
        return 0
    env = environment(args)
    backend = "PostgreSQL" if args.database else "SQLite"
    print(f"Dataset export bench on {backend}: each export in a fresh process, every line read and dropped")
    print(
        f"{'rated clips':>12} {'format':>8} {'rows':>7} {'MiB out':>8} {'seconds':>8} {'RSS before MiB':>15}"
        f" {'peak MiB':>9} {'growth MiB':>11}"
    )
    for n in [int(s) for s in args.sizes.split(",") if s.strip()]:
        fresh_database(args)
        subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run([sys.executable, __file__, "--fill", str(n)], cwd=ROOT, env=env, check=True)
        for kind in ("jsonl", "parquet"):
            out = subprocess.run(
                [sys.executable, __file__, f"--export={kind}"],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            r = json.loads(out.strip().splitlines()[-1])
            print(
                f"{n:>12} {kind:>8} {r['rows']:>7} {r['bytes'] / 2**20:>8.2f} {r['seconds']:>8.2f}"
                f" {r['rss_before_kb'] / 1024:>15.1f}"
                f" {r['peak_kb'] / 1024:>9.1f} {(r['peak_kb'] - r['rss_before_kb']) / 1024:>11.1f}"
            )
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
