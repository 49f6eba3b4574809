"""A database made before the redesign (main at 29acc49, when users, tokens, quotas and the audit log
lived in the `portal` app) migrates forward and keeps every row, on SQLite and on PostgreSQL.

The snapshots in tests/migrations_data/ were made at that commit by migrating an empty database and
adding three accounts, an invitation, a token with a sighting, a quota, audit records, a job and a clip.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "migrations_data"

CHECK = """
import json
from django.contrib.contenttypes.models import ContentType
from accounts.models import ApiToken, Invitation, TokenSighting, User
from core.models import AuditEvent
from generation.models import ArtistQuota, Clip, RenderJob
moderator = User.objects.get(username="snap-moderator")
artist = User.objects.get(username="snap-artist")
new_user_pk = User.objects.create_user("after-upgrade").pk
print(json.dumps({
    "users": sorted(User.objects.values_list("username", flat=True)),
    "tokens": ApiToken.objects.filter(user=artist).count(),
    "sightings": TokenSighting.objects.filter(token__user=artist).count(),
    "invitations": list(Invitation.objects.values_list("email", flat=True)),
    "audit": sorted(set(AuditEvent.objects.values_list("action", flat=True))),
    "quota_note": artist.quota.note,
    "jobs": RenderJob.objects.filter(artist=artist).count(),
    "clips": Clip.objects.filter(artist=artist).count(),
    "clip_gate": [list(row) for row in Clip.objects.values_list("publication", "is_public")],
    "moderator_invites": moderator.has_perm("accounts.invite_users"),
    "artist_submits": artist.is_artist,
    "portal_content_types": ContentType.objects.filter(app_label="portal").count(),
    "new_user_pk": new_user_pk,
}))
"""


def _manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=240
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def _upgrade_and_check(env: dict) -> dict:
    out = _manage(env, "migrate", "--no-input")
    assert "Applying accounts.0002_tables_of_their_own... OK" in out
    assert "Applying accounts.0001" not in out  # the old portal migrations stand for it
    return json.loads(_manage(env, "shell", "-c", CHECK).strip().splitlines()[-1])


def _assert_rows_kept(found: dict) -> None:
    assert found["users"] == ["after-upgrade", "snap-admin", "snap-artist", "snap-moderator"]
    assert found["tokens"] == 1 and found["sightings"] == 1
    assert found["invitations"] == ["invitee@example.test"]
    assert {"snapshot.made", "token.created", "invitation.created"} <= set(found["audit"])
    assert found["quota_note"] == "snapshot"
    assert found["jobs"] == 2 and found["clips"] == 1
    assert found["clip_gate"] == [["pending_review", False]]  # is_public filled from the state: not public
    assert found["moderator_invites"] is True and found["artist_submits"] is True
    assert found["portal_content_types"] == 0
    assert found["new_user_pk"] == 4  # the id sequence survived the table's rename


def _env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "VERNISSAGE_SQLITE_PATH")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", **extra)
    return env


def test_a_sqlite_database_from_before_the_redesign_migrates_and_keeps_its_rows(tmp_path):
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.executescript((DATA / "sqlite_at_29acc49.sql").read_text())
    found = _upgrade_and_check(_env(VERNISSAGE_SQLITE_PATH=str(path)))
    _assert_rows_kept(found)
    tables = {row[0] for row in sqlite3.connect(path).execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"accounts_user", "accounts_apitoken", "core_auditevent", "generation_artistquota"} <= tables
    assert not {t for t in tables if t.startswith("portal_")}


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres") or not shutil.which("psql"),
    reason="needs PostgreSQL (DATABASE_URL) and the psql client",
)
def test_a_postgresql_database_from_before_the_redesign_migrates_and_keeps_its_rows():
    import dj_database_url

    server = dj_database_url.parse(os.environ["DATABASE_URL"])
    name = f"vernissage_upgrade_{uuid.uuid4().hex[:8]}"
    conn = ["-h", server["HOST"] or "127.0.0.1", "-p", str(server["PORT"] or 5432), "-U", server["USER"] or "postgres"]
    subprocess.run(["psql", *conn, "-d", server["NAME"], "-qc", f'CREATE DATABASE "{name}"'], check=True)
    try:
        subprocess.run(
            ["psql", *conn, "-d", name, "-q", "-v", "ON_ERROR_STOP=1", "-f", str(DATA / "postgres_at_29acc49.sql")],
            check=True,
            capture_output=True,
        )
        url = f"postgres://{server['USER']}@{server['HOST']}:{server['PORT'] or 5432}/{name}"
        _assert_rows_kept(_upgrade_and_check(_env(DATABASE_URL=url)))
    finally:
        subprocess.run(["psql", *conn, "-d", server["NAME"], "-qc", f'DROP DATABASE IF EXISTS "{name}"'], check=False)
