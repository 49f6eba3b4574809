"""The prompt policy checked at submission: blocking clauses refuse a prompt, flagging ones mark it.

Rules match the prompt as written and its normalised form (approvals.normalise), so zero-width characters,
fullwidth letters, soft hyphens, look-alike letters from other scripts or combining marks do not evade them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from approvals.models import PolicyAction, PolicyClause
from approvals.normalise import prompt_normalise


@dataclass(frozen=True)
class PolicyResult:
    """What the policy says about a prompt: clause codes that flag it (blocking ones raise instead)."""

    flagged: list[str] = field(default_factory=list)


def _matches(clause: PolicyClause, texts: list[str], normalised: list[str]) -> bool:
    """A rule matches the text as written (today's reading) or its normalised form (no disguise gets past)."""
    if any(rule.search(text) for rule in clause.rules() for text in texts if text):
        return True
    return any(rule.search(text) for rule in clause.rules(normalised=True) for text in normalised if text)


def prompt_evaluate(*, prompt: str, negative_prompt: str = "") -> tuple[list[PolicyClause], list[PolicyClause]]:
    """The active clauses whose rules match the prompt: (blocking, flagging)."""
    texts = [prompt or "", negative_prompt or ""]
    normalised = [prompt_normalise(text) for text in texts]
    clauses = PolicyClause.objects.filter(active=True).exclude(action=PolicyAction.NONE)
    blocking, flagging = [], []
    for clause in clauses:
        if _matches(clause, texts, normalised):
            (blocking if clause.action == PolicyAction.BLOCK else flagging).append(clause)
    return blocking, flagging


def prompt_check(*, prompt: str, negative_prompt: str = "") -> PolicyResult:
    """Refuse a prompt a blocking clause matches (ValidationError naming the clause); report flags."""
    blocking, flagging = prompt_evaluate(prompt=prompt, negative_prompt=negative_prompt)
    if blocking:
        clause = blocking[0]
        raise ValidationError(
            {
                "prompt": _(
                    "This prompt cannot be rendered: it goes against policy clause %(code)s (%(title)s): %(text)s"
                )
                % {"code": clause.code, "title": clause.title, "text": clause.text}
            }
        )
    return PolicyResult(flagged=[clause.code for clause in flagging])
