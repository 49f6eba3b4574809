"""The Python client in clients/python: checked against the OpenAPI schema (every operation it calls, every key
of the answers it types), used against a live server, and its example script run end to end with a real worker
rendering, waiting by polling and by webhook."""

from __future__ import annotations

import json
import subprocess
import sys
import typing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

CLIENT_DIR = Path(__file__).resolve().parents[2] / "clients" / "python"
sys.path.insert(0, str(CLIENT_DIR))

from vernissage_client import OPERATIONS, ApiError, Client, verify  # noqa: E402
from vernissage_client import types as client_types  # noqa: E402

#: Each typed answer of the client -> the schema component it mirrors.
TYPED = {
    client_types.Queue: "Queue",
    client_types.RenderClip: "RenderClip",
    client_types.Render: "Render",
    client_types.Clause: "Clause",
    client_types.Decision: "Decision",
    client_types.DecisionHistory: "DecisionHistory",
    client_types.ClipGate: "ClipGate",
    client_types.Notification: "Notification",
    client_types.Quota: "Quota",
    client_types.WebhookCreated: "WebhookListCreateCreated",
}


@pytest.fixture(scope="module")
def schema() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def test_every_operation_of_the_client_is_in_the_schema_as_it_calls_it(schema):
    documented = {
        op["operationId"]: (method.upper(), path)
        for path, methods in schema["paths"].items()
        for method, op in methods.items()
        if isinstance(op, dict) and "operationId" in op
    }
    for operation, call in OPERATIONS.items():
        assert documented.get(operation) == call, (operation, call, documented.get(operation))


def test_every_typed_answer_has_the_keys_of_its_schema_component(schema):
    components = schema["components"]["schemas"]
    for typed, name in TYPED.items():
        properties = set(components[name]["properties"])
        keys = set(typing.get_type_hints(typed))
        if typed.__total__:
            assert keys == properties, (name, keys ^ properties)
        else:  # a partial view of a larger answer
            assert keys <= properties, (name, keys - properties)


def test_the_client_signature_check_agrees_with_the_sites_signing():
    from webhooks.signing import sign

    body = b'{"type": "render.finished"}'
    header = sign(secret="s3cret", body=body)
    assert verify(header=header, body=body, secret="s3cret") > 0
    with pytest.raises(ValueError, match="does not match"):
        verify(header=header, body=body + b" ", secret="s3cret")
    with pytest.raises(ValueError, match="replay"):
        verify(header=sign(secret="s3cret", body=body, timestamp=1), body=body, secret="s3cret")


def _token(user, scopes=None):
    from accounts.services.tokens import scopes_for, token_issue

    return token_issue(user=user, name="client", scopes=scopes or scopes_for(user)).raw


@pytest.mark.django_db(transaction=True)
def test_the_client_against_a_live_server(live_server, artist, moderator):
    from approvals import services
    from approvals.notify import user_notify
    from tests.approvals.helpers import ensure_starter_policy
    from tests.factories import make_clip

    ensure_starter_policy()
    client = Client(live_server.url, token=_token(artist))
    assert client.me()["username"] == artist.username
    assert client.quota()["jobs_left"] >= 1

    render = client.renders_create(prompt="a kite over dunes", duration_s=1, width=512, height=512, seed=3)
    assert render["status"] in ("queued", "dispatched")
    assert client.render_cancel(render["id"])["status"] == "cancelled"
    assert client.wait_for_render(render["id"], timeout=5)["status"] == "cancelled"
    # A final render's answer no longer changes: the next poll sends its ETag and the server answers 304, so the
    # client hands back its stored copy (replaced here by a marker to tell the two apart).
    (url,) = [url for url in client._etags if url.endswith(render["id"])]
    client._etags[url] = (client._etags[url][0], {"status": "from the 304"})
    assert client.render(render["id"]) == {"status": "from the 304"}

    clip = make_clip(artist)
    with pytest.raises(ApiError) as refused:
        client.request_publication(str(clip.id), publish_at=datetime(2020, 1, 1, tzinfo=UTC))
    assert refused.value.status == 400 and refused.value.code == "invalid" and "publish_at" in refused.value.errors
    when = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0)
    asked = client.request_publication(str(clip.id), publish_at=when)
    assert asked["publication"] == "pending_review" and asked["publish_at"] == when.isoformat()
    services.clip_decide(clip_id=clip.id, moderator=moderator, decision="reject", clause="P5", reason="A poster.")
    decided = client.clip(str(clip.id))
    assert decided["decisions"][0]["clause"]["code"] == "P5" and decided["decisions"][0]["decided_by"] == "moderator"
    appealed = client.appeal(str(clip.id), message="It is my own poster.")
    assert appealed["publication"] == "appealed"

    user_notify(user=artist, message="Hello from the site.")
    unread = client.notifications(unread=True)["results"]
    assert "Hello from the site." in [n["message"] for n in unread]
    assert client.notifications_mark_read([unread[0]["id"]]) == 1
    assert client.notifications_mark_read() == len(unread) - 1
    with pytest.raises(ApiError) as missing:
        client.clip("00000000-0000-0000-0000-000000000000")
    assert missing.value.status == 404 and missing.value.code == "not_found"


def test_the_client_renders_image_to_video(live_server, artist, settings):
    import io

    from PIL import Image

    from generation.models import RenderJob

    settings.QUOTA_CONCURRENT_JOBS = 4
    client = Client(live_server.url, token=_token(artist))
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (200, 40, 40)).save(out, format="PNG")
    png = out.getvalue()
    render = client.renders_create(prompt="a red sail", duration_s=1, width=512, height=512, image=("sail.png", png))
    assert RenderJob.objects.get(id=render["id"]).conditioning_image
    asset = client.assets_create(image=("sail.png", png))
    assert asset["width"] == 320 and asset["height"] == 240
    again = client.renders_create(prompt="a red sail", duration_s=1, width=512, height=512, image_asset=asset["id"])
    assert RenderJob.objects.get(id=again["id"]).conditioning_image
    with pytest.raises(ApiError) as refused:
        client.assets_create(image=("sail.png", b"not an image"))
    assert refused.value.status == 400 and "image" in refused.value.errors


def _run_example(url: str, token: str, *extra: str) -> tuple[int, list[dict]]:
    done = subprocess.run(
        [
            sys.executable,
            str(CLIENT_DIR / "examples" / "render_and_wait.py"),
            "--url",
            url,
            "--token",
            token,
            "--prompt",
            "a paper boat in the rain",
            "--duration",
            "1",
            "--timeout",
            "180",
            "--interval",
            "0.5",
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert lines, (done.returncode, done.stdout, done.stderr)
    return done.returncode, lines


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_example_renders_a_clip_and_waits_by_polling_and_by_webhook(live_worker, live_server, artist):
    from generation.models import Clip
    from webhooks.models import Endpoint

    token = _token(artist)
    code, lines = _run_example(live_server.url, token)
    assert code == 0, (lines, live_worker.output()[-2000:])
    assert lines[0]["event"] == "submitted" and lines[-1]["event"] == "done"
    assert lines[-1]["status"] == "succeeded" and Clip.objects.filter(id=lines[-1]["clip"]["id"]).exists()
    assert any(line["event"] == "progress" for line in lines)

    code, lines = _run_example(live_server.url, token, "--webhook")
    assert code == 0, (lines, live_worker.output()[-2000:])
    events = [line["event"] for line in lines]
    assert events[:2] == ["listening", "submitted"] and "delivered" in events and events[-1] == "done"
    assert next(line for line in lines if line["event"] == "delivered")["type"] == "render.finished"
    assert lines[-1]["status"] == "succeeded"
    assert not Endpoint.objects.filter(owner=artist).exists()  # the script deleted its endpoint


@pytest.mark.django_db(transaction=True)
def test_the_example_reports_an_api_error(live_server, artist):
    code, lines = _run_example(live_server.url, _token(artist, scopes=["clips:read"]))
    assert code == 2 and lines[-1]["event"] == "error" and lines[-1]["code"] == "token_scope"
