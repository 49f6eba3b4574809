"""The contribution ledger: append-only, Decimal, reversals, rates, payouts, balance == sum, CSV == page."""

from __future__ import annotations

import csv
import io
import re
import threading
from decimal import Decimal

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse

from artists.ledger import balance_of, ledger_payout, ledger_record, ledger_reverse, rate_set
from artists.models import EntryKind, LedgerEntry
from core.models import AppendOnly
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def _sum(artist) -> Decimal:
    return sum((e.amount for e in LedgerEntry.objects.filter(artist=artist)), Decimal("0"))


def test_entries_cannot_be_changed_or_deleted(artist):
    entry = ledger_record(artist=artist, kind=EntryKind.FEEDBACK, reference="feedback:1")
    entry.amount = Decimal("999")
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=Decimal("1"))
    with pytest.raises(AppendOnly):
        LedgerEntry.objects.all().delete()
    with pytest.raises(AppendOnly):
        LedgerEntry.objects.bulk_update([entry], ["amount"])
    assert LedgerEntry.objects.get(pk=entry.pk).amount == Decimal("25.00")


def test_admin_cannot_add_change_or_delete_entries(admin_user):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    model_admin = site._registry[LedgerEntry]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert "delete_selected" not in model_admin.get_actions(request)


def test_amounts_are_decimal_at_the_configured_rate(artist, admin_user):
    rate_set(kind=EntryKind.TESTING, amount="30.10", unit="hour", actor=admin_user)
    entry = ledger_record(artist=artist, kind=EntryKind.TESTING, quantity="2.5", actor=admin_user)
    assert isinstance(entry.amount, Decimal) and entry.amount == Decimal("75.25")
    assert (entry.rate, entry.quantity) == (Decimal("30.10"), Decimal("2.50"))
    rate_set(kind=EntryKind.TESTING, amount="40", unit="hour", actor=admin_user)
    later = ledger_record(artist=artist, kind=EntryKind.TESTING, quantity=1, actor=admin_user)
    assert later.amount == Decimal("40.00")
    assert LedgerEntry.objects.get(pk=entry.pk).amount == Decimal("75.25")  # past entries keep their rate


def test_no_rate_means_a_clear_refusal(artist):
    from artists.models import LedgerRate

    LedgerRate.objects.filter(kind=EntryKind.PROMO).delete()
    with pytest.raises(ValidationError, match="No rate is configured for promotional use"):
        ledger_record(artist=artist, kind=EntryKind.PROMO, reference="promo:1")


def test_reversal_is_a_new_opposite_entry_once(artist, admin_user):
    entry = ledger_record(artist=artist, kind=EntryKind.FEEDBACK, reference="feedback:7")
    reversal = ledger_reverse(entry_id=entry.pk, reason="Filed twice", actor=admin_user)
    assert reversal.amount == -entry.amount and reversal.reverses == entry and reversal.kind == EntryKind.REVERSAL
    assert balance_of(artist=artist) == Decimal("0.00")
    with pytest.raises(ValidationError, match="already reversed"):
        ledger_reverse(entry_id=entry.pk, reason="again", actor=admin_user)
    with pytest.raises(ValidationError, match="cannot itself be reversed"):
        ledger_reverse(entry_id=reversal.pk, reason="undo", actor=admin_user)
    with pytest.raises(ValidationError, match="Write why"):
        ledger_reverse(entry_id=entry.pk, reason="  ", actor=admin_user)
    with pytest.raises(ValidationError, match="Only admins"):
        ledger_reverse(entry_id=entry.pk, reason="x", actor=artist)
    assert LedgerEntry.objects.filter(artist=artist).count() == 2


def test_one_earning_per_reference(artist):
    first = ledger_record(artist=artist, kind=EntryKind.PRIZE, amount="100", reference="prize:spring:3")
    again = ledger_record(artist=artist, kind=EntryKind.PRIZE, amount="100", reference="prize:spring:3")
    assert again.pk == first.pk and balance_of(artist=artist) == Decimal("100.00")
    with pytest.raises(ValidationError, match="A prize needs its amount"):
        ledger_record(artist=artist, kind=EntryKind.PRIZE, reference="prize:spring:4")
    with pytest.raises(ValidationError):
        ledger_record(artist=artist, kind=EntryKind.PAYOUT, amount="5")


def test_payouts_never_exceed_the_balance(artist, admin_user):
    ledger_record(artist=artist, kind=EntryKind.PRIZE, amount="60", reference="prize:a:1")
    with pytest.raises(ValidationError, match="more than the balance of 60.00"):
        ledger_payout(artist=artist, amount="60.01", actor=admin_user)
    with pytest.raises(ValidationError, match="Only admins"):
        ledger_payout(artist=artist, amount="1", actor=artist)
    payout = ledger_payout(artist=artist, amount="59.99", actor=admin_user, memo="Bank transfer")
    assert payout.amount == Decimal("-59.99") and balance_of(artist=artist) == Decimal("0.01")


def test_balance_always_equals_the_sum_of_entries(artist, other_artist, admin_user):
    import random

    rng = random.Random(7)
    done = []
    for step in range(60):
        who = rng.choice([artist, other_artist])
        action = rng.choice(["feedback", "testing", "prize", "payout", "reverse"])
        try:
            if action == "feedback":
                done.append(ledger_record(artist=who, kind=EntryKind.FEEDBACK, reference=f"feedback:{step}"))
            elif action == "testing":
                done.append(
                    ledger_record(artist=who, kind=EntryKind.TESTING, quantity=rng.choice(["0.5", "1.25", "3"]))
                )
            elif action == "prize":
                done.append(
                    ledger_record(
                        artist=who,
                        kind=EntryKind.PRIZE,
                        amount=f"{rng.randint(1, 9999) / 100}",
                        reference=f"prize:x:{step}",
                    )
                )
            elif action == "payout":
                ledger_payout(artist=who, amount=f"{rng.randint(1, 5000) / 100}", actor=admin_user)
            elif done:
                ledger_reverse(entry_id=rng.choice(done).pk, reason="correction", actor=admin_user)
        except ValidationError:
            pass  # a payout over the balance or a second reversal: refused, and nothing written
        for person in (artist, other_artist):
            assert balance_of(artist=person) == _sum(person)
    assert LedgerEntry.objects.filter(kind=EntryKind.REVERSAL).exists()
    assert LedgerEntry.objects.filter(kind=EntryKind.PAYOUT).exists()


def _page_rows(html: str) -> list[list[str]]:
    table = html[html.index('id="ledger">') : html.index("</table>")]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        rows.append(
            [re.sub(r"<.*?>", "", cell).strip() for cell in re.findall(r"<t[hd](?:\s[^>]*)?>(.*?)</t[hd]>", row, re.S)]
        )
    return rows


def test_csv_export_matches_the_page(client, artist, other_artist, admin_user):
    import html as html_lib

    ledger_record(artist=artist, kind=EntryKind.FEEDBACK, reference="feedback:1", memo="Feedback #1 accepted")
    tested = ledger_record(artist=artist, kind=EntryKind.TESTING, quantity="1.5", memo="Beta, “night” build")
    ledger_reverse(entry_id=tested.pk, reason="Hours were counted twice", actor=admin_user)
    ledger_record(artist=artist, kind=EntryKind.PRIZE, amount="12.50", reference="prize:c:1", memo="Second place")
    ledger_payout(artist=artist, amount="20", actor=admin_user, memo="Transfer, March")
    ledger_record(artist=other_artist, kind=EntryKind.PRIZE, amount="999", reference="prize:c:2", memo="not mine")
    client.login(username=artist.username, password=PASSWORD)
    page = client.get(reverse("artists:ledger")).content.decode()
    rows = [[html_lib.unescape(cell) for cell in row] for row in _page_rows(page)]
    exported = list(csv.reader(io.StringIO(client.get(reverse("artists:ledger_csv")).content.decode())))
    assert rows == exported
    assert len(exported) == 6 and "not mine" not in str(exported)
    balance = re.search(r'<strong id="balance">(.*?)</strong>', page).group(1)
    assert Decimal(balance) == sum(Decimal(row[4]) for row in exported[1:]) == Decimal("17.50")


def test_ledger_desk_records_hours_payouts_and_reversals(client, artist, admin_user, moderator):
    client.login(username=moderator.username, password=PASSWORD)
    assert client.get(reverse("artists:ledger_desk")).status_code == 403
    client.login(username=admin_user.username, password=PASSWORD)
    url = reverse("artists:ledger_desk")
    assert (
        client.post(url, {"action": "testing", "artist": "north", "quantity": "2", "memo": "Beta week"}).status_code
        == 302
    )
    response = client.post(url, {"action": "payout", "artist": "north", "quantity": "61"})
    assert response.status_code == 400 and "more than the balance of 60.00" in response.content.decode()
    assert client.post(url, {"action": "payout", "artist": "north", "quantity": "50"}).status_code == 302
    entry = LedgerEntry.objects.get(kind=EntryKind.TESTING)
    assert client.post(url, {"action": "reverse", "entry": entry.pk, "memo": "Wrong week"}).status_code == 302
    assert balance_of(artist=artist) == Decimal("-50.00")  # 60 earned - 50 paid - 60 reversed: owed back
    assert client.post(url, {"action": "payout", "artist": "nobody", "quantity": "1"}).status_code == 400


def _race(n: int, work) -> list[str]:
    """Run work() in n threads released at once; each returns 'ok' or 'refused'."""
    from django.db import connections

    barrier = threading.Barrier(n)
    outcomes: list[str] = []

    def run():
        try:
            barrier.wait()
            work()
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Concurrent reversals and payouts race on row locks: PostgreSQL only (SQLite serialises writers).",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_reversals_and_payouts_on_postgresql():
    artist = make_user("north")
    admin = make_user("root", role="admin")
    entry = ledger_record(artist=artist, kind=EntryKind.PRIZE, amount="100", reference="prize:r:1")
    ledger_record(artist=artist, kind=EntryKind.PRIZE, amount="200", reference="prize:r:2")
    assert _race(4, lambda: ledger_reverse(entry_id=entry.pk, reason="race", actor=admin)) == ["ok"] + ["refused"] * 3
    assert LedgerEntry.objects.filter(reverses=entry).count() == 1
    assert balance_of(artist=artist) == Decimal("200.00")
    # Three payouts of 80 against 200: exactly two fit; without the row lock all three would pass.
    assert _race(3, lambda: ledger_payout(artist=artist, amount="80", actor=admin)) == ["ok", "ok", "refused"]
    assert balance_of(artist=artist) == _sum(artist) == Decimal("40.00")
