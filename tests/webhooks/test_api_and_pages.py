"""Managing endpoints through /api/v1/webhooks and the /webhooks/ pages: the scope, bad input (a clear 4xx,
nothing stored), SSRF refusals, someone else's endpoint a 404, the secret shown once, ping, re-enable, delete."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.services.tokens import default_scopes_for, token_issue
from tests.factories import PASSWORD, make_user
from webhooks.models import Delivery, Endpoint

pytestmark = pytest.mark.django_db


def _bearer(raw):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture(autouse=True)
def _allow_loopback(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True


def test_the_webhooks_scope_is_opt_in_and_enforced(artist):
    assert "webhooks" not in default_scopes_for(artist)
    plain = _bearer(token_issue(user=artist).raw)
    refused = plain.post("/api/v1/webhooks", {"url": "http://127.0.0.1:9/", "events": ["ping"]}, format="json")
    assert (
        refused.status_code == 403
        and refused.json()["code"] == "token_scope"
        and "'webhooks'" in refused.json()["detail"]
    )
    assert plain.get("/api/v1/webhooks").status_code == 403 and not Endpoint.objects.exists()
    client = _bearer(token_issue(user=artist, scopes=["webhooks"]).raw)
    created = client.post(
        "/api/v1/webhooks", {"url": "http://127.0.0.1:9/hook", "events": ["render.finished"]}, format="json"
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["secret"].startswith("whsec_") and body["events"] == ["render.finished"] and body["enabled"]
    listed = client.get("/api/v1/webhooks").json()["results"]
    assert [e["id"] for e in listed] == [body["id"]] and "secret" not in listed[0]  # shown once
    assert "secret" not in client.get(f"/api/v1/webhooks/{body['id']}").json()


@pytest.mark.parametrize(
    ("payload", "field", "words"),
    [
        ({"url": "ftp://example.org/x", "events": ["render.failed"]}, "url", "Only http:// and https://"),
        ({"url": "file:///etc/passwd", "events": ["render.failed"]}, "url", "Only http:// and https://"),
        ({"url": "http://user:pw@127.0.0.1/", "events": ["render.failed"]}, "url", "no user name"),
        ({"url": "not a url", "events": ["render.failed"]}, "url", "Only http"),
        ({"url": "http://127.0.0.1:9/", "events": []}, "events", ""),
        ({"url": "http://127.0.0.1:9/", "events": ["render.exploded"]}, "events", ""),
        ({"url": "http://127.0.0.1:9/", "events": "render.failed"}, "events", ""),
        ({"events": ["render.failed"]}, "url", ""),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_stores_nothing(api, artist, payload, field, words):
    answer = api(artist).post("/api/v1/webhooks", payload, format="json")
    assert answer.status_code == 400, answer.content
    assert answer.json()["code"] == "invalid" and field in answer.json()["errors"]
    assert words in " ".join(answer.json()["errors"][field])
    assert not Endpoint.objects.exists()


def test_private_targets_are_refused_in_production(api, artist, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    client = api(artist)
    for url in (
        "http://127.0.0.1:8000/",
        "http://localhost/x",
        "http://10.1.2.3/",
        "http://[::1]/",
        "http://169.254.169.254/",
    ):
        answer = client.post("/api/v1/webhooks", {"url": url, "events": ["render.failed"]}, format="json")
        assert answer.status_code == 400 and "private, loopback or reserved" in answer.json()["errors"]["url"][0], url
    assert not Endpoint.objects.exists()


def test_only_admins_register_site_wide_endpoints_and_others_see_404(api, artist, other_artist, moderator):
    payload = {"url": "http://127.0.0.1:9/", "events": ["render.failed"], "site_wide": True}
    assert api(artist).post("/api/v1/webhooks", payload, format="json").status_code == 403
    admin = make_user("root", role="admin")
    created = api(admin).post("/api/v1/webhooks", payload, format="json")
    assert created.status_code == 201 and created.json()["site_wide"]
    endpoint_id = created.json()["id"]
    for path in ("", "/deliveries"):
        assert api(other_artist).get(f"/api/v1/webhooks/{endpoint_id}{path}").status_code == 404
    assert api(other_artist).delete(f"/api/v1/webhooks/{endpoint_id}").status_code == 404
    assert api(moderator).get("/api/v1/webhooks").status_code == 403  # neither artist nor integration admin


def test_ping_deliveries_enable_and_delete_through_the_api(api, artist):
    client = api(artist)
    endpoint_id = client.post(
        "/api/v1/webhooks", {"url": "http://127.0.0.1:9/", "events": ["clip.decided"]}, format="json"
    ).json()["id"]
    ping = client.post(f"/api/v1/webhooks/{endpoint_id}/ping")
    assert ping.status_code == 202 and ping.json()["event"] == "ping" and ping.json()["status"] == "pending"
    [listed] = client.get(f"/api/v1/webhooks/{endpoint_id}/deliveries").json()["results"]
    assert listed["id"] == ping.json()["id"] and '"type":"ping"' in listed["body"]
    Endpoint.objects.filter(pk=endpoint_id).update(enabled=False, disabled_reason="test")
    assert client.post(f"/api/v1/webhooks/{endpoint_id}/ping").status_code == 400
    assert client.post(f"/api/v1/webhooks/{endpoint_id}/enable").json()["enabled"] is True
    assert client.delete(f"/api/v1/webhooks/{endpoint_id}").json()["id"] == endpoint_id
    assert not Endpoint.objects.exists() and not Delivery.objects.exists()


def test_the_pages_register_show_the_secret_once_ping_and_delete_after_confirmation(client, artist):
    assert client.login(username=artist.username, password=PASSWORD)
    page = client.get("/webhooks/")
    assert page.status_code == 200 and b'name="events"' in page.content and b"site_wide" not in page.content
    bad = client.post("/webhooks/", {"url": "gopher://example.org/", "events": ["render.failed"]})
    assert bad.status_code == 400 and b"Only http:// and https://" in bad.content and not Endpoint.objects.exists()
    none = client.post("/webhooks/", {"url": "http://127.0.0.1:9/"})
    assert none.status_code == 400 and not Endpoint.objects.exists()
    made = client.post(
        "/webhooks/",
        {"url": "http://127.0.0.1:9/hook", "events": ["render.failed", "clip.published"], "description": "CI"},
    )
    assert made.status_code == 201
    endpoint = Endpoint.objects.get()
    assert endpoint.secret.encode() in made.content and endpoint.events == ["render.failed", "clip.published"]
    listing = client.get("/webhooks/")
    assert endpoint.secret.encode() not in listing.content and endpoint.secret_prefix.encode() in listing.content
    detail_url = f"/webhooks/{endpoint.pk}/"
    assert client.post(f"/webhooks/{endpoint.pk}/ping").status_code == 302
    detail = client.get(detail_url)
    assert detail.status_code == 200 and b"<code>ping</code>" in detail.content and b'id="ping"' in detail.content
    confirm = client.get(f"/webhooks/{endpoint.pk}/delete")
    assert confirm.status_code == 200 and b"confirm-delete" in confirm.content and Endpoint.objects.exists()
    assert client.post(f"/webhooks/{endpoint.pk}/delete").status_code == 400 and Endpoint.objects.exists()
    deleted = client.post(f"/webhooks/{endpoint.pk}/delete", {"confirm": "yes"})
    assert deleted.status_code == 302 and not Endpoint.objects.exists()
    assert client.get(detail_url).status_code == 404


def test_a_moderator_without_artist_role_has_no_webhook_pages(client, moderator):
    assert client.login(username=moderator.username, password=PASSWORD)
    assert client.get("/webhooks/").status_code == 403
