"""The text that prompt rules see: one canonical spelling, so invisible or look-alike characters cannot evade them.

`prompt_normalise` applies, in order: Unicode NFKC (fullwidth and other compatibility forms become their plain
letters, NBSP a space); removal of format characters (category Cf: zero-width space and joiners, soft hyphen,
word joiner, BOM, bidi controls) and of the fillers that render as nothing; case folding; removal of combining
marks (after NFD, so "é" and "e" + U+0301 both read "e"); a confusables skeleton (a letter from another script
that looks like a Latin letter or digit, such as Cyrillic "о" or Greek "ν", becomes that Latin character, by the
Unicode confusables table that `confusable-homoglyphs` ships); and one space for any run of whitespace.
Plain ASCII is never remapped, so "rn" stays "rn" and "1" stays "1": only what could only be a disguise changes.
Rules (terms) are normalised the same way, so a term still matches as a whole word.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from confusable_homoglyphs.confusables import confusables_data

# Characters that render as nothing but are not category Cf (Hangul fillers, braille blank, the combining
# grapheme joiner, the Mongolian vowel separator in the Unicode versions that class it as a space).
_INVISIBLE = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u180e\u2800\u3164\uffa0")
_WHITESPACE = re.compile(r"\s+")
_BIDI_MARKS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e"


def _ascii_candidate(glyphs: list[dict]) -> str | None:
    """The Latin letter or digit a confusable stands for: lowercase letters first, then capitals, then digits."""
    found = {g["c"].strip(_BIDI_MARKS) for g in glyphs}
    single = sorted(c for c in found if len(c) == 1 and c.isascii() and c.isalnum())
    for kind in (str.islower, str.isupper, str.isdigit):
        for candidate in single:
            if kind(candidate):
                return candidate.lower()
    return None


@cache
def _skeleton_map() -> dict[str, str]:
    """Each non-ASCII character that the confusables table says looks like one Latin letter or digit, to it."""
    table: dict[str, str] = {}
    for char, glyphs in confusables_data.items():
        if len(char) == 1 and not char.isascii():
            candidate = _ascii_candidate(glyphs)
            if candidate is not None:
                table[char] = candidate
    return table


def _skeleton_char(char: str) -> str:
    if char.isascii():
        return char
    table = _skeleton_map()
    return table.get(char) or table.get(char.upper()) or char


def prompt_normalise(text: str) -> str:
    """The canonical form of `text` that block and flag rules are matched against (see the module docstring)."""
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(c for c in text if c not in _INVISIBLE and unicodedata.category(c) != "Cf")
    text = unicodedata.normalize("NFD", text.casefold())
    text = "".join(c for c in text if unicodedata.category(c) not in ("Mn", "Me"))
    text = "".join(_skeleton_char(c) for c in text).casefold()
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()
