"""Error tracking: with SENTRY_DSN set, events reach Sentry through sentry-sdk's own transport, and no API
token, prompt or password leaves with them (a stub server stands in for Sentry)."""

from __future__ import annotations

import gzip
import http.server
import json
import os
import subprocess
import sys
import threading

import pytest

from core.sentry import FILTERED, scrub
from tests.fixtures import ROOT
from tests.sentry_probe import PROMPT, WORKER_PROMPT


def test_scrub_removes_tokens_and_forgotten_texts_everywhere():
    event = {
        "message": "failed for vrn_abc123_XYZ and the prompt a heron at dawn",
        "exception": {"values": [{"value": "RuntimeError: a heron at dawn", "frames": [{"vars": {"x": ["vrn_9"]}}]}]},
        "extra": {"n": 3, "ok": None},
    }
    clean = scrub(event, ["a heron at dawn", "ab"])
    text = json.dumps(clean)
    assert "vrn_" not in text and "heron" not in text and text.count(FILTERED) == 4
    assert clean["extra"] == {"n": 3, "ok": None}
    assert scrub({"m": "ab abc"}, ["ab"]) == {"m": "ab abc"}  # too short to forget by value


class _Sentry(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        self.server.envelopes.append(body.decode("utf-8", "replace"))  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry_stub():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Sentry)
    server.envelopes = []  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def test_events_leave_without_tokens_or_prompts(sentry_stub, tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SENTRY_DSN": f"http://publickey@127.0.0.1:{sentry_stub.server_address[1]}/1",
        "SENTRY_ENVIRONMENT": "test",
        "VERNISSAGE_VAR_DIR": str(tmp_path),
        "DATABASE_URL": "",
        "RENDER_ENGINE": "tests.engines.PromptEchoEngine",
        "VERNISSAGE_EMAIL_QUEUE": "0",
        "RENDER_SCRATCH_DIR": str(tmp_path / "scratch"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.sentry_probe"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "api status 500" in done.stdout and "render failed" in done.stdout
    events = [e for e in sentry_stub.envelopes if '"type":"event"' in e.replace(" ", "")]
    text = "\n".join(events)
    assert len(events) >= 2, sentry_stub.envelopes
    assert "admission broke for" in text and "the pipeline could not encode" in text  # the errors arrived
    assert "vrn_" not in text
    assert PROMPT not in text and WORKER_PROMPT not in text and "heron" not in text and "orchard" not in text
    assert FILTERED in text and '"environment":"test"' in text.replace(" ", "")
