"""Prompt rules match the normalised prompt: invisible, fullwidth, look-alike or decorated letters do not evade them."""

from __future__ import annotations

import pytest

from approvals.models import PolicyClause
from approvals.normalise import prompt_normalise
from approvals.policy import prompt_evaluate
from generation.models import RenderJob

RENDER = {"duration_s": 1, "width": 512, "height": 512}

# (prompt, the clause that must catch it). Every one of these passed the policy before normalisation.
EVASIONS = [
    ("celeb\u200brity deepfake of a singer", "P1"),  # zero-width space
    ("ｃｅｌｅｂｒｉｔｙ ｄｅｅｐｆａｋｅ", "P1"),  # fullwidth letters
    ("a celeb\u00adrity deep\u00adfake", "P1"),  # soft hyphens
    ("real pers\u043en on a bench", "P1"),  # Cyrillic o
    ("celebrity deepf\u0430ke", "P1"),  # Cyrillic a
    ("REAL P\u0415RSON", "P1"),  # Cyrillic capital Ie, mixed case
    ("f\u03b1ce sw\u03b1p party", "P1"),  # Greek alpha, caught by the pattern
    ("real pers\u03bfn", "P1"),  # Greek omicron
    ("ce\u0301lebrity deepfake", "P1"),  # combining acute accent
    ("re\u0308al pe\u0301rs\u0303on", "P1"),  # several combining marks
    ("Real\u00a0Person at the market", "P1"),  # no-break space, mixed case
    ("real\u3000person", "P1"),  # ideographic space
    ("real \t  person", "P1"),  # a run of whitespace
    ("deep\ufefffake celebrity deep\u2060fake", "P1"),  # BOM and word joiner
    ("celebrity\u200d deep\u200cfake", "P1"),  # zero-width joiner and non-joiner
    ("\U0001d41c\U0001d41e\U0001d425\U0001d41e\U0001d41b\U0001d42b\U0001d422\U0001d42d\U0001d432 deepfake", "P1"),
    ("celeb\u3164rity deepfake", "P1"),  # Hangul filler renders as nothing
    ("face\u200bswap of my neighbour", "P1"),  # zero-width space inside the pattern's words
    ("a drop of bl\u200bood on snow", "P4"),  # flag rule: zero-width space
    ("ｂｌｏｏｄ moon", "P4"),  # flag rule: fullwidth
    ("bl\u043e\u043ed moon", "P4"),  # flag rule: Cyrillic o
]

INNOCENT = [
    "realistic personal diary",
    "a real-life portrait, personal and quiet",
    "the celebrations in a deep forest",
    "my personal fake plants",
    "interface swapping tutorial on a whiteboard",
    "surface swap of two tiles",
    "a bloodhound in the rain",
    "real personality test",
    "café at dawn, naïve painting",
    "Straße in Berlin at night",
    "собака на пляже на закате",
    "ηλιοβασίλεμα στη θάλασσα με βάρκες",
    "富士山の夜明け、桜の花びら",
    "غروب الشمس فوق البحر",
    "समुद्र पर सूर्यास्त",
    "🌊🌅 waves at sunset",
    "corn fields and a lone windmill",
    "1 old lighthouse, 0 people",
    "Ｈｅｌｌｏ ｗｏｒｌｄ in neon",
    "a ﬁne ﬂower",
]


@pytest.fixture
def rules(db):
    PolicyClause.objects.filter(code="P1").update(
        action="block", terms="celebrity deepfake\nreal person", patterns=r"\bface\s*swap\w*"
    )
    PolicyClause.objects.filter(code="P4").update(action="flag", terms="blood")


def _caught_as_written(prompt: str) -> bool:
    """Today's reading: the rules against the prompt exactly as typed."""
    return any(rule.search(prompt) for clause in PolicyClause.objects.exclude(action="none") for rule in clause.rules())


@pytest.mark.parametrize(("prompt", "clause"), EVASIONS, ids=[repr(p) for p, _ in EVASIONS])
def test_an_evasion_is_caught_by_the_clause(rules, prompt, clause):
    assert not _caught_as_written(prompt), "not an evasion: the rules catch it as written"
    blocking, flagging = prompt_evaluate(prompt=prompt)
    assert [c.code for c in blocking + flagging] == [clause]


def test_evasions_also_count_in_the_negative_prompt(rules):
    blocking, _ = prompt_evaluate(prompt="a calm sea", negative_prompt="real\u00a0pers\u043en")
    assert [c.code for c in blocking] == ["P1"]


@pytest.mark.parametrize("prompt", INNOCENT)
def test_an_innocent_prompt_is_not_blocked_or_flagged(rules, prompt):
    assert prompt_evaluate(prompt=prompt) == ([], [])


def test_normalisation_leaves_plain_ascii_alone_and_maps_disguises():
    assert prompt_normalise("corn 1 l rn m") == "corn 1 l rn m"
    assert prompt_normalise("  Ｃａｆé\u00a0\u00a0DE\u0301JA\u200b VU ") == "cafe deja vu"
    assert prompt_normalise("p\u0430ss\u03bfv\u0435r") == "passover"
    assert prompt_normalise("STRASSE Straße") == "strasse strasse"


def test_a_disguised_blocked_prompt_renders_nothing_on_the_api(rules, artist, api):
    response = api(artist).post(
        "/api/v1/renders", {"prompt": "ｃｅｌｅｂ\u200bｒｉｔｙ deepf\u0430ke at the beach", **RENDER}, format="json"
    )
    assert response.status_code == 400
    assert "policy clause P1" in response.json()["detail"]
    assert RenderJob.objects.count() == 0
