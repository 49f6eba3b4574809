"""The starting tag taxonomy (evaluation/migrations/0002) in the page's language: a seeded tag whose name
and description were left as seeded is shown translated; a tag the model team added or renamed in the admin
is shown as written there."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

SEEDED = {
    "prompt-adherence": (
        "Prompt adherence",
        _("Prompt adherence"),
        "The clip does not show what the prompt asks for.",
        _("The clip does not show what the prompt asks for."),
    ),
    "motion": (
        "Motion",
        _("Motion"),
        "Movement is wrong: too little, too much, jerky or implausible.",
        _("Movement is wrong: too little, too much, jerky or implausible."),
    ),
    "physics": (
        "Physics",
        _("Physics"),
        "Objects break physical rules: pass through each other, float, deform.",
        _("Objects break physical rules: pass through each other, float, deform."),
    ),
    "anatomy": (
        "Anatomy",
        _("Anatomy"),
        "Bodies, hands or faces are malformed.",
        _("Bodies, hands or faces are malformed."),
    ),
    "text-rendering": (
        "Text rendering",
        _("Text rendering"),
        "Letters or signs are garbled.",
        _("Letters or signs are garbled."),
    ),
    "temporal-flicker": (
        "Temporal flicker",
        _("Temporal flicker"),
        "Frames flicker or objects change from frame to frame.",
        _("Frames flicker or objects change from frame to frame."),
    ),
    "safety-concern": (
        "Safety concern",
        _("Safety concern"),
        "The clip shows something it should not.",
        _("The clip shows something it should not."),
    ),
}


def tag_name(tag) -> str:
    seeded = SEEDED.get(tag.slug)
    return str(seeded[1]) if seeded and tag.name == seeded[0] else tag.name


def tag_description(tag) -> str:
    seeded = SEEDED.get(tag.slug)
    return str(seeded[3]) if seeded and tag.description == seeded[2] else tag.description
