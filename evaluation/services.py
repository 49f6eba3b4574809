"""Write structured feedback: ratings, blind pairwise rounds and votes, evaluation consent; pay through the ledger.

Every earning goes through artists.ledger.ledger_record with a reference naming the item
(`rating:<id>`, `pairwise:<vote id>`), so an item is paid once, however often it is saved or retried.
An item saved while admins have set no rate for its kind is not paid (and not refused).
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from artists.consent import terms_current
from artists.ledger import ledger_record
from artists.models import EntryKind, LedgerRate, Use
from core import clock
from core.audit import audit_record
from evaluation.models import Choice, EvaluationConsent, Pair, Rating, Round, RoundStatus, Tag, Vote
from generation.models import Clip, JobStatus, ModelVersion

MAX_NOTE_CHARS = 2000


def _pay(*, artist: Any, kind: str, reference: str, memo: str, request: Any = None) -> None:
    if not LedgerRate.objects.filter(kind=kind).exists():
        return
    ledger_record(artist=artist, kind=kind, reference=reference, memo=memo, actor=artist, request=request)


def _tags(values: Iterable) -> list[Tag]:
    """Active tags named by slug or id; ValidationError naming the unknown ones."""
    wanted = [str(v).strip() for v in values if str(v).strip()]
    if not wanted:
        return []
    ids = [int(v) for v in wanted if v.isdigit()]
    found = list(Tag.objects.filter(Q(slug__in=wanted) | Q(pk__in=ids), active=True))
    known = {t.slug for t in found} | {str(t.pk) for t in found}
    unknown = [v for v in wanted if v not in known]
    if unknown:
        raise ValidationError({"tags": _("Unknown tag(s): %(tags)s.") % {"tags": ", ".join(unknown)}})
    return found


def _seconds(value: Any, *, field: str) -> float | None:
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValidationError({field: _("“%(value)s” is not a number of seconds.") % {"value": value}}) from None
    if not math.isfinite(number) or number < 0:
        raise ValidationError({field: _("Give a time of 0 seconds or more.")})
    return round(number, 2)


@dataclass(frozen=True)
class Saved:
    rating: Rating
    created: bool


def rating_save(
    *,
    clip_id: Any,
    artist: Any,
    overall: Any,
    tags: Iterable = (),
    note: str = "",
    start_s: Any = None,
    end_s: Any = None,
    request: Any = None,
) -> Saved:
    """Rate one of your renders (or change your rating); the first save earns the rating rate once."""
    try:
        clip_uuid = uuid.UUID(str(clip_id))
    except ValueError:
        raise ValidationError(_("You can rate only your own clips.")) from None
    clip = Clip.objects.filter(id=clip_uuid, artist=artist).select_related("job").first()
    if clip is None:
        raise ValidationError(_("You can rate only your own clips."))
    errors: dict[str, str] = {}
    try:
        score = int(overall)
        if isinstance(overall, bool) or str(overall).strip() != str(score) or not 1 <= score <= 5:
            raise ValueError
    except (TypeError, ValueError):
        errors["overall"] = _("Give an overall rating from 1 to 5.")
        score = 0
    note = (note or "").strip()
    if len(note) > MAX_NOTE_CHARS:
        errors["note"] = _("The note is %(n)d characters; the limit is %(limit)d.") % {
            "n": len(note),
            "limit": MAX_NOTE_CHARS,
        }
    try:
        start, end = _seconds(start_s, field="start_s"), _seconds(end_s, field="end_s")
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
        start = end = None
    if (start is None) != (end is None) and "start_s" not in errors and "end_s" not in errors:
        errors["end_s"] = _("Give both ends of the time range, or neither.")
    elif start is not None and end is not None:
        if end <= start:
            errors["end_s"] = _("The range must end after it starts.")
        elif end > clip.duration_s + 0.05:
            errors["end_s"] = _("The clip is %(d)s s long; the range must end within it.") % {"d": clip.duration_s}
    try:
        chosen = _tags(tags)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
        chosen = []
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        try:
            with transaction.atomic():
                rating, created = Rating.objects.get_or_create(
                    clip=clip,
                    artist=artist,
                    defaults={"overall": score, "note": note, "start_s": start, "end_s": end},
                )
        except IntegrityError:  # saved at the same moment by another request
            rating, created = Rating.objects.get(clip=clip, artist=artist), False
        if not created:
            rating.overall, rating.note, rating.start_s, rating.end_s = score, note, start, end
            rating.save(update_fields=["overall", "note", "start_s", "end_s", "updated_at"])
        rating.tags.set(chosen)
        audit_record(
            action="evaluation.rated",
            actor=artist,
            request=request,
            obj=clip,
            detail={"overall": score, "tags": sorted(t.slug for t in chosen), "created": created},
        )
        _pay(
            artist=artist,
            kind=EntryKind.RATING,
            reference=f"rating:{rating.pk}",
            memo=_("Rating of a render"),
            request=request,
        )
    return Saved(rating=rating, created=created)


# ---------------------------------------------------------------- versions


def version_make_current(*, version: ModelVersion, actor: Any = None, request: Any = None) -> ModelVersion:
    """Make `version` the one new jobs of its preset record."""
    with transaction.atomic():
        ModelVersion.objects.filter(preset=version.preset, is_current=True).exclude(pk=version.pk).update(
            is_current=False
        )
        if not version.is_current:
            version.is_current = True
            version.save(update_fields=["is_current"])
        audit_record(action="evaluation.version_current", actor=actor, request=request, obj=version)
    return version


# ---------------------------------------------------------------- pairwise rounds


def round_open(
    *, title: str, version_a_id: Any, version_b_id: Any, prompts: str = "", actor: Any, request: Any = None
) -> Round:
    """Open a blind round over every prompt and seed rendered by both versions (limited to `prompts`, one
    per line, when given): one pair per prompt and seed, the newest clip of each version."""
    if not getattr(actor, "is_staff", False):
        raise ValidationError(_("Only the model team (admins) opens comparison rounds."))
    title = (title or "").strip()
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = _("Give the round a title.")
    a_id, b_id = _int(version_a_id) or 0, _int(version_b_id) or 0
    versions = {v.pk: v for v in ModelVersion.objects.filter(pk__in=[a_id, b_id])}
    a, b = versions.get(a_id), versions.get(b_id)
    if a is None:
        errors["version_a"] = _("Choose version A.")
    if b is None:
        errors["version_b"] = _("Choose version B.")
    if a is not None and b is not None and a.pk == b.pk:
        errors["version_b"] = _("Choose two different versions.")
    if errors:
        raise ValidationError(errors)
    assert a is not None and b is not None
    wanted = [line.strip() for line in (prompts or "").splitlines() if line.strip()]
    pairs = _matching_pairs(a, b, prompts=wanted)
    if not pairs:
        raise ValidationError(
            _("No prompt and seed has a finished clip by both %(a)s and %(b)s; render them first.") % {"a": a, "b": b}
        )
    with transaction.atomic():
        round_ = Round.objects.create(title=title[:120], version_a=a, version_b=b, opened_by=actor)
        Pair.objects.bulk_create(
            Pair(round=round_, clip_a=ca, clip_b=cb, prompt=ca.job.prompt, seed=ca.job.seed) for ca, cb in pairs
        )
        audit_record(
            action="evaluation.round_opened",
            actor=actor,
            request=request,
            obj=round_,
            detail={"version_a": a.pk, "version_b": b.pk, "pairs": len(pairs)},
        )
    return round_


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _matching_pairs(a: ModelVersion, b: ModelVersion, *, prompts: list[str]) -> list[tuple[Clip, Clip]]:
    def newest(version: ModelVersion) -> dict[tuple[str, int], Clip]:
        clips = Clip.objects.filter(job__model_version=version, job__status=JobStatus.SUCCEEDED).select_related("job")
        if prompts:
            clips = clips.filter(job__prompt__in=prompts)
        found: dict[tuple[str, int], Clip] = {}
        for clip in clips.order_by("created_at", "id"):
            found[(clip.job.prompt, clip.job.seed)] = clip
        return found

    of_a, of_b = newest(a), newest(b)
    return [(of_a[key], of_b[key]) for key in sorted(of_a.keys() & of_b.keys())]


def round_close(*, round_: Round, actor: Any, request: Any = None) -> Round:
    if not getattr(actor, "is_staff", False):
        raise ValidationError(_("Only the model team (admins) closes comparison rounds."))
    if round_.status != RoundStatus.CLOSED:
        round_.status, round_.closed_at = RoundStatus.CLOSED, clock.now()
        round_.save(update_fields=["status", "closed_at"])
        audit_record(action="evaluation.round_closed", actor=actor, request=request, obj=round_)
    return round_


def a_shown_left(*, pair_id: int, artist_id: int) -> bool:
    """Whether this artist sees version A's clip on the left: a keyed hash of the pair and the artist, so
    the order looks random, differs between artists and pairs, and stays the same when the page reloads."""
    digest = salted_hmac("evaluation.pair-order", f"{pair_id}:{artist_id}").digest()
    return bool(digest[0] & 1)


def vote_cast(*, pair_id: Any, artist: Any, picked: str, tags: Iterable = (), request: Any = None) -> Vote:
    """Record an artist's blind pick for one pair: "left", "right" or "tie"; once per pair (paid once)."""
    if not getattr(artist, "is_artist", False):
        raise ValidationError(_("Only invited artists take part in comparison rounds."))
    pair = Pair.objects.filter(pk=_int(pair_id) or 0).select_related("round").first()
    if pair is None:
        raise ValidationError(_("No such comparison."))
    if pair.round.status != RoundStatus.OPEN:
        raise ValidationError(_("This comparison round is closed."))
    if picked not in ("left", "right", "tie"):
        raise ValidationError({"choice": _("Pick the left clip, the right clip or a tie.")})
    chosen = _tags(tags)
    left_is_a = a_shown_left(pair_id=pair.pk, artist_id=artist.pk)
    if picked == "tie":
        choice = Choice.TIE
    else:
        choice = Choice.A if (picked == "left") == left_is_a else Choice.B
    with transaction.atomic():
        try:
            with transaction.atomic():
                vote = Vote.objects.create(pair=pair, artist=artist, choice=choice, a_shown_left=left_is_a)
        except IntegrityError:
            raise ValidationError(_("You already compared these two clips.")) from None
        vote.tags.set(chosen)
        audit_record(action="evaluation.voted", actor=artist, request=request, obj=pair.round, detail={"pair": pair.pk})
        _pay(
            artist=artist,
            kind=EntryKind.PAIRWISE,
            reference=f"pairwise:{vote.pk}",
            memo=_("Blind comparison in “%(round)s”") % {"round": pair.round.title[:100]},
            request=request,
        )
    return vote


# ---------------------------------------------------------------- consent


def evaluation_consent_grant(*, artist: Any, terms_version: Any, request: Any = None) -> EvaluationConsent:
    """Agree that your clips go into evaluation datasets, under the current "model evaluation" terms."""
    terms = terms_current(use=Use.MODEL_EVALUATION)
    if terms is None:
        raise ValidationError(_("There are no terms for model evaluation yet."))
    if _int(terms_version) != terms.version:
        raise ValidationError(
            _("The model evaluation terms changed to version %(v)d; read them again before you agree.")
            % {"v": terms.version}
        )
    with transaction.atomic():
        active = EvaluationConsent.objects.select_for_update().filter(artist=artist, revoked_at__isnull=True).first()
        if active is not None and active.terms_id == terms.pk:
            return active
        if active is not None:
            active.revoked_at = clock.now()
            active.save(update_fields=["revoked_at"])
        consent = EvaluationConsent.objects.create(artist=artist, terms=terms)
        audit_record(
            action="consent.granted",
            actor=artist,
            request=request,
            obj=consent,
            detail={"use": Use.MODEL_EVALUATION, "terms_version": terms.version},
        )
    return consent


def evaluation_consent_revoke(*, artist: Any, request: Any = None) -> bool:
    """Revoke your evaluation consent for every export from now on; True if there was one."""
    with transaction.atomic():
        active = EvaluationConsent.objects.select_for_update().filter(artist=artist, revoked_at__isnull=True).first()
        if active is None:
            return False
        active.revoked_at = clock.now()
        active.save(update_fields=["revoked_at"])
        audit_record(
            action="consent.revoked",
            actor=artist,
            request=request,
            obj=active,
            detail={"use": Use.MODEL_EVALUATION, "terms_version": active.terms.version},
        )
    return True
