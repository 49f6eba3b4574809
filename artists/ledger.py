"""Write the contribution ledger: earnings at configured rates, prizes, payouts and reversals.

The ledger is append-only. An entry is never changed: a correction is a new entry of the opposite
amount that names the entry it reverses (at most one reversal per entry). An artist's balance is the
sum of their entries; every write locks the artist's row so balance checks and writes are serial.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext

from artists.models import RATED_KINDS, EntryKind, LedgerEntry, LedgerRate
from core.audit import audit_record
from core.i18n import inline_label

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("1000000")


def _decimal(value, *, what: str) -> Decimal:
    try:
        number = Decimal(str(value)).quantize(CENT)
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({what: gettext("“%(value)s” is not a number.") % {"value": value}}) from None
    if not number.is_finite() or abs(number) >= MAX_AMOUNT:
        raise ValidationError({what: gettext("%(value)s is out of range.") % {"value": value}})
    return number


def _lock_artist(artist_id):
    user = get_user_model().objects.select_for_update().filter(pk=artist_id).first()
    if user is None:
        raise ValidationError(gettext("No such artist."))
    return user


def balance_of(*, artist) -> Decimal:
    """The artist's balance: exactly the sum of their ledger entries."""
    total = LedgerEntry.objects.filter(artist=artist).aggregate(total=Sum("amount"))["total"]
    return (total or Decimal("0")).quantize(CENT)


def rate_set(*, kind: str, amount, unit: str, actor=None, request=None) -> LedgerRate:
    """Set what one unit of a rated contribution earns from now on (past entries keep their rate)."""
    if kind not in RATED_KINDS:
        raise ValidationError(
            {
                "kind": gettext("%(kind)s has no rate; rated kinds are %(join)s.")
                % {"kind": repr(kind), "join": ", ".join(RATED_KINDS)}
            }
        )
    amount = _decimal(amount, what="amount")
    if amount < 0:
        raise ValidationError({"amount": gettext("A rate cannot be negative.")})
    rate, _ = LedgerRate.objects.update_or_create(kind=kind, defaults={"amount": amount, "unit": unit})
    audit_record(
        action="ledger.rate_set",
        actor=actor,
        request=request,
        obj=rate,
        detail={"kind": kind, "amount": str(amount), "unit": unit},
    )
    return rate


def ledger_record(
    *, artist, kind: str, quantity=1, amount=None, memo: str = "", reference: str = "", actor=None, request=None
) -> LedgerEntry:
    """Append one earning: a rated contribution (rate x quantity) or a prize (its amount); once per reference.

    Contests call this for prizes: ledger_record(artist=..., kind="prize", amount=Decimal("50"),
    reference=f"prize:{contest.slug}:{entry.pk}", memo=...). A second call with the same reference
    returns the existing entry instead of paying twice.
    """
    if kind not in (*RATED_KINDS, EntryKind.PRIZE):
        raise ValidationError(
            {"kind": gettext("Record payouts with ledger_payout and corrections with ledger_reverse.")}
        )
    quantity = _decimal(quantity, what="quantity")
    if quantity <= 0:
        raise ValidationError({"quantity": gettext("The quantity must be more than zero.")})
    rate = None
    if kind == EntryKind.PRIZE:
        if amount is None:
            raise ValidationError({"amount": gettext("A prize needs its amount.")})
        amount = _decimal(amount, what="amount")
    else:
        configured = LedgerRate.objects.filter(kind=kind).first()
        if configured is None:
            raise ValidationError(
                gettext("No rate is configured for %(lower)s; an admin sets it.")
                % {"lower": inline_label(EntryKind(kind).label)}
            )
        rate = configured.amount
        amount = (rate * quantity).quantize(CENT)
    if amount <= 0:
        raise ValidationError({"amount": gettext("An earning must be more than zero.")})
    try:
        with transaction.atomic():
            _lock_artist(artist.pk)
            if reference and kind != EntryKind.TESTING:
                existing = (
                    LedgerEntry.objects.filter(reference=reference)
                    .exclude(kind__in=[EntryKind.REVERSAL, EntryKind.PAYOUT, EntryKind.TESTING])
                    .first()
                )
                if existing is not None:
                    return existing
            entry = LedgerEntry.objects.create(
                artist=artist,
                kind=kind,
                quantity=quantity,
                rate=rate,
                amount=amount,
                memo=memo[:200],
                reference=reference,
                recorded_by=actor if getattr(actor, "pk", None) else None,
            )
            audit_record(
                action="ledger.recorded",
                actor=actor,
                request=request,
                obj=entry,
                detail={"artist": artist.pk, "kind": kind, "amount": str(amount), "reference": reference},
            )
    except IntegrityError:  # the same reference written at the same moment elsewhere
        return LedgerEntry.objects.get(reference=reference, kind=kind)
    return entry


def ledger_payout(*, artist, amount, memo: str = "", actor, request=None) -> LedgerEntry:
    """Append a payout (a negative entry) of at most the artist's balance; admins only."""
    if not getattr(actor, "is_staff", False):
        raise ValidationError(gettext("Only admins record payouts."))
    amount = _decimal(amount, what="amount")
    if amount <= 0:
        raise ValidationError({"amount": gettext("A payout must be more than zero.")})
    with transaction.atomic():
        _lock_artist(artist.pk)
        balance = balance_of(artist=artist)
        if amount > balance:
            raise ValidationError(
                {
                    "amount": gettext("The payout of %(amount)s is more than the balance of %(balance)s.")
                    % {"amount": amount, "balance": balance}
                }
            )
        entry = LedgerEntry.objects.create(
            artist=artist, kind=EntryKind.PAYOUT, amount=-amount, memo=memo[:200], recorded_by=actor
        )
        audit_record(
            action="ledger.payout",
            actor=actor,
            request=request,
            obj=entry,
            detail={"artist": artist.pk, "amount": str(amount)},
        )
    return entry


def ledger_reverse(*, entry_id: int, reason: str, actor, request=None) -> LedgerEntry:
    """Append the reversal of one entry (its opposite amount); an entry is reversed at most once."""
    if not getattr(actor, "is_staff", False):
        raise ValidationError(gettext("Only admins correct the ledger."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": gettext("Write why the entry is reversed: the artist reads it.")})
    try:
        with transaction.atomic():
            original = LedgerEntry.objects.filter(pk=entry_id).first()
            if original is None:
                raise ValidationError(gettext("No such ledger entry."))
            _lock_artist(original.artist_id)
            if original.kind == EntryKind.REVERSAL:
                raise ValidationError(gettext("A reversal cannot itself be reversed; record a new entry instead."))
            if LedgerEntry.objects.filter(reverses=original).exists():
                raise ValidationError(gettext("This entry is already reversed."))
            entry = LedgerEntry.objects.create(
                artist_id=original.artist_id,
                kind=EntryKind.REVERSAL,
                quantity=original.quantity,
                rate=original.rate,
                amount=-original.amount,
                memo=f"Reverses #{original.pk}: {reason}"[:200],
                reference=original.reference,
                reverses=original,
                recorded_by=actor,
            )
            audit_record(
                action="ledger.reversed",
                actor=actor,
                request=request,
                obj=entry,
                detail={"reverses": original.pk, "reason": reason[:500]},
            )
    except IntegrityError:
        raise ValidationError(gettext("This entry is already reversed.")) from None
    return entry


#: What the ledger desk records (its page and its API): approved testing hours, a payout, a reversal.
DESK_ACTIONS = ("testing", "payout", "reverse")


def ledger_desk_record(
    *,
    action: str,
    artist_username: str = "",
    quantity=None,
    entry_id: int | None = None,
    memo: str = "",
    actor,
    request=None,
) -> LedgerEntry:
    """One ledger desk action by an admin: testing hours or a payout for the artist named by username, or the
    reversal of an entry (the memo is its reason)."""
    if action not in DESK_ACTIONS:
        raise ValidationError({"action": gettext("Choose one of: %(join)s.") % {"join": ", ".join(DESK_ACTIONS)}})
    if action == "reverse":
        if not entry_id:
            raise ValidationError({"entry": gettext("Give the number of the entry to reverse.")})
        return ledger_reverse(entry_id=entry_id, reason=memo, actor=actor, request=request)
    artist = get_user_model().objects.filter(username=artist_username or "").first()
    if artist is None:
        raise ValidationError({"artist": gettext("No artist with that username.")})
    if quantity is None:
        raise ValidationError({"quantity": gettext("Give the hours or the amount.")})
    if action == "testing":
        return ledger_record(
            artist=artist,
            kind=EntryKind.TESTING,
            quantity=quantity,
            memo=memo or "Approved testing hours",
            actor=actor,
            request=request,
        )
    return ledger_payout(artist=artist, amount=quantity, memo=memo or "Payout", actor=actor, request=request)
