"""API v1 for the company's side of the artists' pages: the promo kit and the ledger desk, through the same
services as the pages (the desk's dispatch is artists.ledger.ledger_desk_record, shared with its page)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from artists.consent import consent_grant, terms_current
from artists.ledger import balance_of, ledger_record
from artists.models import EntryKind, LedgerEntry, PromoUse

pytestmark = pytest.mark.django_db


def _refused(response, field):
    assert response.status_code == 400, (response.status_code, response.content)
    body = response.json()
    assert body["code"] == "invalid" and field in body["errors"], body


@pytest.fixture
def consented(artist, published):
    clip = published(artist)
    consent_grant(clip_id=clip.id, artist=artist, use="marketing", terms_version=terms_current(use="marketing").version)
    return clip


def test_staff_list_the_promo_kit_and_record_a_use_that_earns_the_artist(api, artist, moderator, consented):
    client = api(moderator)
    assert [c["id"] for c in client.get("/api/v1/promo-kit").json()["results"]] == [str(consented.id)]
    assert client.get("/api/v1/promo-kit?use=training").json()["count"] == 0
    used = client.post(
        f"/api/v1/promo-kit/{consented.id}/uses", {"use": "marketing", "purpose": "Launch trailer."}, format="json"
    )
    assert used.status_code == 201, used.content
    assert used.json()["terms_version"] == terms_current(use="marketing").version and used.json()["video_url"]
    assert LedgerEntry.objects.filter(artist=artist, kind=EntryKind.PROMO).count() == 1
    assert api(artist).get("/api/v1/promo-kit").status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"use": "billboards", "purpose": "x"}, "use"),
        ({"use": "marketing", "purpose": ""}, "purpose"),
        ({"use": "marketing", "purpose": "x" * 201}, "purpose"),
        ({"use": "marketing"}, "purpose"),
        ({"use": "training", "purpose": "x"}, "non_field_errors"),  # no consent to that use
    ],
)
def test_a_bad_promo_use_is_a_400_and_stores_nothing(api, moderator, consented, body, field):
    _refused(api(moderator).post(f"/api/v1/promo-kit/{consented.id}/uses", body, format="json"), field)
    assert not PromoUse.objects.exists()


def test_a_bad_promo_kit_filter_is_a_400(api, moderator):
    _refused(api(moderator).get("/api/v1/promo-kit?use=billboards"), "use")


def test_the_ledger_desk_records_hours_payouts_and_reversals(api, artist, admin_user):
    client = api(admin_user)
    hours = client.post(
        "/api/v1/ledger/desk", {"action": "testing", "artist": "north", "quantity": "2"}, format="json"
    ).json()
    assert hours["artist"] == "north" and hours["kind"] == "testing"
    balance = balance_of(artist=artist)
    payout = client.post(
        "/api/v1/ledger/desk", {"action": "payout", "artist": "north", "quantity": str(balance)}, format="json"
    )
    assert payout.status_code == 201 and Decimal(payout.json()["amount"]) == -balance
    reversed_ = client.post(
        "/api/v1/ledger/desk", {"action": "reverse", "entry": payout.json()["id"], "memo": "Sent twice."}, format="json"
    )
    assert reversed_.status_code == 201 and reversed_.json()["reverses"] == payout.json()["id"]
    assert balance_of(artist=artist) == balance
    assert api(artist).post("/api/v1/ledger/desk", {"action": "testing"}, format="json").status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"action": "bonus", "artist": "north", "quantity": "1"}, "action"),
        ({"action": "testing", "artist": "nobody", "quantity": "1"}, "artist"),
        ({"action": "testing", "artist": "north"}, "quantity"),
        ({"action": "testing", "artist": "north", "quantity": "lots"}, "quantity"),
        ({"action": "testing", "artist": "north", "quantity": "1e400"}, "quantity"),
        ({"action": "testing", "artist": "north", "quantity": "1.234"}, "quantity"),
        ({"action": "testing", "artist": "north", "quantity": "-3"}, "quantity"),
        ({"action": "payout", "artist": "north", "quantity": "1000000"}, "amount"),  # over the balance
        ({"action": "reverse"}, "entry"),
        ({"action": "reverse", "entry": 0}, "entry"),
        ({"action": "reverse", "entry": 2**70}, "entry"),
        ({"action": "testing", "artist": "north", "quantity": "1", "memo": "x" * 201}, "memo"),
    ],
)
def test_a_bad_desk_action_is_a_400_and_records_nothing(api, artist, admin_user, body, field):
    ledger_record(artist=artist, kind=EntryKind.TESTING, quantity=1, actor=admin_user)
    before = LedgerEntry.objects.count()
    _refused(api(admin_user).post("/api/v1/ledger/desk", body, format="json"), field)
    assert LedgerEntry.objects.count() == before
