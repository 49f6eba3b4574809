"""CSV exports open in spreadsheets: text that starts like a formula is shown as text, in every export."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from artists.ledger import ledger_payout, ledger_record
from artists.models import EntryKind
from core.audit import audit_record
from core.spreadsheet import cell
from tests.factories import PASSWORD, make_user

FORMULAS = ['=HYPERLINK("https://evil.example","x")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1"]


@pytest.mark.parametrize("text", FORMULAS)
def test_formula_text_gets_an_apostrophe(text):
    assert cell(text) == "'" + text


@pytest.mark.parametrize("value, shown", [("-20.00", "-20.00"), ("+3", "+3"), (12, "12"), (None, ""), ("a=b", "a=b")])
def test_numbers_and_plain_text_stay_as_they_are(value, shown):
    assert cell(value) == shown


def _rows(content: bytes | str) -> list[list[str]]:
    text = content.decode() if isinstance(content, bytes) else content
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.django_db
def test_ledger_csv_shows_a_formula_memo_as_text_and_keeps_negative_amounts(client, artist, admin_user):
    ledger_record(artist=artist, kind=EntryKind.PRIZE, amount="30", reference="prize:x:1", memo=FORMULAS[0])
    ledger_payout(artist=artist, amount="20", actor=admin_user, memo="@SUM(A1:A9)")
    client.login(username=artist.username, password=PASSWORD)
    rows = _rows(client.get(reverse("artists:ledger_csv")).content)
    memos = {row[5] for row in rows[1:]}
    assert memos == {"'" + FORMULAS[0], "'@SUM(A1:A9)"}
    assert sorted(row[4] for row in rows[1:]) == ["-20.00", "30.00"]


@pytest.mark.django_db
def test_audit_csv_shows_formula_fields_as_text(client):
    admin = make_user("root", role="admin")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    user = make_user("-1+1", role="artist")
    event = audit_record(action="test.formula", actor=user, detail={"note": "x"})
    client.login(username=admin.username, password=PASSWORD)
    response = client.post(
        "/admin/core/auditevent/?action=test.formula",
        {"action": "export_audit_csv", "select_across": "1", "index": "0", "_selected_action": [str(event.pk)]},
    )
    rows = _rows(b"".join(response.streaming_content))
    assert [row[1] for row in rows[1:]] == ["'-1+1"]
