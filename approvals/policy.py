"""The prompt policy checked at submission: blocking clauses refuse a prompt, flagging ones mark it."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from approvals.models import PolicyAction, PolicyClause


@dataclass(frozen=True)
class PolicyResult:
    """What the policy says about a prompt: clause codes that flag it (blocking ones raise instead)."""

    flagged: list[str] = field(default_factory=list)


def _matches(clause: PolicyClause, texts: list[str]) -> bool:
    return any(rule.search(text) for rule in clause.rules() for text in texts if text)


def prompt_evaluate(*, prompt: str, negative_prompt: str = "") -> tuple[list[PolicyClause], list[PolicyClause]]:
    """The active clauses whose rules match the prompt: (blocking, flagging)."""
    texts = [prompt or "", negative_prompt or ""]
    clauses = PolicyClause.objects.filter(active=True).exclude(action=PolicyAction.NONE)
    blocking, flagging = [], []
    for clause in clauses:
        if _matches(clause, texts):
            (blocking if clause.action == PolicyAction.BLOCK else flagging).append(clause)
    return blocking, flagging


def prompt_check(*, prompt: str, negative_prompt: str = "") -> PolicyResult:
    """Refuse a prompt a blocking clause matches (ValidationError naming the clause); report flags."""
    blocking, flagging = prompt_evaluate(prompt=prompt, negative_prompt=negative_prompt)
    if blocking:
        clause = blocking[0]
        raise ValidationError(
            {
                "prompt": (
                    f"This prompt cannot be rendered: it goes against policy clause {clause.code} "
                    f"({clause.title}): {clause.text}"
                )
            }
        )
    return PolicyResult(flagged=[clause.code for clause in flagging])
