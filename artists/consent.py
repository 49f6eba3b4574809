"""Consent for promotional use: per clip and use, under a versioned terms text, revocable for the future.

A use relies on an active consent given under the *current* terms of that use: when the company
publishes new terms, older consents no longer count until the artist agrees again. Every promotional
use records the consent and terms version it relied on and earns the artist a ledger entry.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from approvals.gate import Publication, label
from artists.ledger import ledger_record
from artists.models import ClipConsent, ConsentTerms, EntryKind, PromoUse, Use
from core import clock
from core.audit import audit_record
from core.i18n import inline_label
from generation.models import Clip


def terms_current(*, use: str) -> ConsentTerms | None:
    """The highest terms version of a use, or None if the company has published none."""
    return ConsentTerms.objects.filter(use=use).order_by("-version").first()


def terms_publish(*, use: str, text: str, actor, request=None) -> ConsentTerms:
    """Publish the next version of a use's terms; consents under older versions stop counting."""
    if use not in Use.values:
        raise ValidationError({"use": _("Unknown use.")})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the terms text.")})
    with transaction.atomic():
        last = ConsentTerms.objects.select_for_update().filter(use=use).order_by("-version").first()
        terms = ConsentTerms.objects.create(use=use, version=(last.version + 1) if last else 1, text=text)
        audit_record(
            action="consent.terms_published",
            actor=actor,
            request=request,
            obj=terms,
            detail={"use": use, "version": terms.version},
        )
    return terms


def _own_clip(clip_id, artist) -> Clip:
    try:
        clip_id = uuid.UUID(str(clip_id))
    except ValueError:
        raise ValidationError(_("You can set consent only for your own clips.")) from None
    clip = Clip.objects.select_for_update().filter(id=clip_id, artist=artist).first()
    if clip is None:
        raise ValidationError(_("You can set consent only for your own clips."))
    return clip


def consent_grant(*, clip_id, artist, use: str, terms_version: int, request=None) -> ClipConsent:
    """Consent to `use` of a published clip under the current terms version (the one the artist read)."""
    if use not in Use.values:
        raise ValidationError({"use": _("Unknown use.")})
    with transaction.atomic():
        clip = _own_clip(clip_id, artist)
        if clip.publication != Publication.PUBLISHED:
            raise ValidationError(
                _("Consent applies to published clips; this one is %(lower)s.")
                % {"lower": inline_label(label(clip.publication))}
            )
        terms = terms_current(use=use)
        if terms is None:
            raise ValidationError(_("There are no terms for “%(label)s” yet.") % {"label": Use(use).label})
        if int(terms_version) != terms.version:
            raise ValidationError(
                _("The terms for “%(label)s” changed to version %(version)s; read them again before you agree.")
                % {"label": Use(use).label, "version": terms.version}
            )
        active = ClipConsent.objects.select_for_update().filter(clip=clip, use=use, revoked_at__isnull=True).first()
        if active is not None and active.terms_id == terms.pk:
            return active
        if active is not None:  # consent under older terms: replaced by consent under the current ones
            active.revoked_at = clock.now()
            active.save(update_fields=["revoked_at"])
        consent = ClipConsent.objects.create(clip=clip, use=use, terms=terms)
        audit_record(
            action="consent.granted",
            actor=artist,
            request=request,
            obj=clip,
            detail={"use": use, "terms_version": terms.version},
        )
    return consent


def consent_revoke(*, clip_id, artist=None, use: str, request=None, actor=None) -> bool:
    """Revoke consent to `use` of a clip for all future use; True if there was one to revoke."""
    with transaction.atomic():
        if artist is not None:
            clip = _own_clip(clip_id, artist)
        else:
            clip = Clip.objects.select_for_update().get(id=clip_id)
        changed = ClipConsent.objects.filter(clip=clip, use=use, revoked_at__isnull=True).first()
        if changed is None:
            return False
        changed.revoked_at = clock.now()
        changed.save(update_fields=["revoked_at"])
        audit_record(
            action="consent.revoked",
            actor=actor or artist,
            request=request,
            obj=clip,
            detail={"use": use, "terms_version": changed.terms.version},
        )
    return True


def consent_active(*, clip, use: str) -> ClipConsent | None:
    """The consent a use of this clip may rely on now: active, under the current terms, clip published."""
    terms = terms_current(use=use)
    if terms is None or clip.publication != Publication.PUBLISHED:
        return None
    return ClipConsent.objects.filter(clip=clip, use=use, terms=terms, revoked_at__isnull=True).first()


def promo_use_record(*, clip_id, use: str, purpose: str, actor, request=None) -> PromoUse:
    """Record one promotional use of a clip relying on a current consent; earns the artist a ledger entry."""
    if not (getattr(actor, "is_moderator", False) or getattr(actor, "is_staff", False)):
        raise ValidationError(_("Only the company's staff use clips for promotion."))
    purpose = (purpose or "").strip()
    if not purpose:
        raise ValidationError({"purpose": _("Say what the clip is used for: the artist sees it.")})
    with transaction.atomic():
        clip = Clip.objects.select_for_update().filter(id=clip_id).select_related("artist").first()
        if clip is None:
            raise ValidationError(_("No such clip."))
        consent = consent_active(clip=clip, use=use)
        if consent is None:
            raise ValidationError(
                _("The artist has not consented to “%(label)s” for this clip under the current terms.")
                % {"label": Use(use).label}
            )
        promo = PromoUse.objects.create(
            clip=clip,
            use=use,
            consent=consent,
            terms_version=consent.terms.version,
            purpose=purpose[:200],
            used_by=actor,
        )
        try:
            ledger_record(
                artist=clip.artist,
                kind=EntryKind.PROMO,
                reference=f"promo:{promo.pk}",
                memo=f"{Use(use).label}: {purpose}"[:200],
                actor=actor,
                request=request,
            )
        except IntegrityError:  # pragma: no cover - references are unique per promo row
            raise ValidationError(_("This use is already recorded.")) from None
        audit_record(
            action="promo.used",
            actor=actor,
            request=request,
            obj=clip,
            detail={"use": use, "terms_version": consent.terms.version, "purpose": purpose[:200]},
        )
    return promo
