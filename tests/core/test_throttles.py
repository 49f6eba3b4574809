"""API throttles per account, per address and for submissions, answered 429 in the one shape with Retry-After."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.services.tokens import token_issue
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(settings):
    def _set(**changed):
        framework = dict(settings.REST_FRAMEWORK)
        framework["DEFAULT_THROTTLE_RATES"] = {**framework["DEFAULT_THROTTLE_RATES"], **changed}
        settings.REST_FRAMEWORK = framework

    return _set


def _bearer(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=user).raw}")
    return client


def _assert_throttled(response):
    assert response.status_code == 429, response.content
    body = response.json()
    assert set(body) == {"detail", "code"} and body["code"] == "throttled", body
    assert "try again in" in body["detail"]
    assert 1 <= int(response["Retry-After"]) <= 60


def test_per_account_whatever_the_address(rates, artist):
    rates(user="5/min")
    client = _bearer(artist)
    answers = [client.get("/api/v1/renders", REMOTE_ADDR=f"192.0.2.{n % 2}").status_code for n in range(5)]
    assert answers == [200] * 5
    _assert_throttled(client.get("/api/v1/renders", REMOTE_ADDR="192.0.2.3"))
    # Another token of the same account counts against the same account.
    _assert_throttled(_bearer(artist).get("/api/v1/clips", REMOTE_ADDR="192.0.2.100"))
    assert _bearer(make_user("someone-else")).get("/api/v1/renders").status_code == 200


def test_per_address_signed_in_or_not_and_a_forged_header_does_not_help(rates, settings):
    settings.TRUSTED_PROXIES = 0
    rates(address="4/min")
    anonymous = APIClient()
    for n in range(4):
        assert (
            anonymous.get("/api/v1/gallery", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=f"6.6.6.{n}").status_code
            == 200
        )
    _assert_throttled(anonymous.get("/api/v1/gallery", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="6.6.6.9"))
    _assert_throttled(_bearer(make_user("late")).get("/api/v1/renders", REMOTE_ADDR="198.51.100.7"))
    assert anonymous.get("/api/v1/gallery", REMOTE_ADDR="198.51.100.8").status_code == 200


def test_behind_a_trusted_proxy_each_client_counts_alone(rates, settings):
    settings.TRUSTED_PROXIES = 1
    rates(address="2/min")
    client = APIClient()
    for client_address in ("203.0.113.1", "203.0.113.2", "203.0.113.3"):
        for _ in range(2):
            answer = client.get("/api/v1/gallery", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=client_address)
            assert answer.status_code == 200
    _assert_throttled(client.get("/api/v1/gallery", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.3"))


def test_submissions_have_their_own_rate_on_top_of_the_quota(rates, settings, artist):
    settings.QUOTA_CONCURRENT_JOBS = 100
    settings.QUOTA_SECONDS_PER_DAY = 10_000
    rates(submissions="3/min")
    client = _bearer(artist)
    body = {"prompt": "a lantern", "duration_s": 1, "width": 512, "height": 512}
    assert [client.post("/api/v1/renders", body, format="json").status_code for _ in range(3)] == [201] * 3
    _assert_throttled(client.post("/api/v1/renders", body, format="json"))
    assert client.get("/api/v1/renders").status_code == 200  # reads are not submissions


def test_the_schema_documents_429_with_retry_after():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    answer = schema["paths"]["/api/v1/clips"]["get"]["responses"]["429"]
    assert "Retry-After" in answer["headers"]
