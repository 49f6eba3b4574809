"""Admins configure rates and publish terms in the Django admin; the ledger there is read-only."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from artists.ledger import ledger_record
from artists.models import ConsentTerms, EntryKind, LedgerEntry, LedgerRate
from core.models import AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_admin_changes_a_rate_and_new_entries_use_it(client, admin_user, artist):
    before = ledger_record(artist=artist, kind=EntryKind.FEEDBACK, reference="feedback:1")
    rate = LedgerRate.objects.get(kind=EntryKind.FEEDBACK)
    client.login(username=admin_user.username, password=PASSWORD)
    response = client.post(
        reverse("admin:artists_ledgerrate_change", args=[rate.pk]),
        {"kind": "feedback", "amount": "32.50", "unit": "item"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert LedgerRate.objects.get(kind=EntryKind.FEEDBACK).amount == Decimal("32.50")
    assert AuditEvent.objects.filter(action="ledger.rate_set").exists()
    after = ledger_record(artist=artist, kind=EntryKind.FEEDBACK, reference="feedback:2")
    assert (LedgerEntry.objects.get(pk=before.pk).amount, after.amount) == (Decimal("25.00"), Decimal("32.50"))


def test_admin_publishes_the_next_terms_version_and_cannot_edit_the_ledger(client, admin_user, artist):
    entry = ledger_record(artist=artist, kind=EntryKind.FEEDBACK, reference="feedback:1")
    client.login(username=admin_user.username, password=PASSWORD)
    response = client.post(
        reverse("admin:artists_consentterms_add"),
        {"use": "marketing", "text": "Marketing with credit, now also in print."},
    )
    assert response.status_code == 302
    assert list(ConsentTerms.objects.filter(use="marketing").values_list("version", flat=True)) == [2, 1]
    assert client.get(reverse("admin:artists_ledgerentry_changelist")).status_code == 200
    assert client.get(reverse("admin:artists_ledgerentry_add")).status_code == 403
    assert client.post(reverse("admin:artists_ledgerentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    assert LedgerEntry.objects.filter(pk=entry.pk).exists()
    client.post(
        reverse("admin:artists_ledgerentry_changelist"), {"action": "reverse_entries", "_selected_action": [entry.pk]}
    )
    assert LedgerEntry.objects.get(reverses=entry).amount == Decimal("-25.00")
