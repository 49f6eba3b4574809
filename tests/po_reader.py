"""The English sentences of the German catalogue (msgids of three words or more that German renders
differently), for tests that look for English left on a German page."""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

_ENTRY = re.compile(r'^msgid ((?:".*"\n)+)(?:msgid_plural (?:".*"\n)+)?msgstr(?:\[0\])? ((?:".*"\n)+)', re.M)


def _joined(block: str) -> str:
    return "".join(ast.literal_eval(line) for line in block.strip().split("\n"))


@functools.cache
def english_sentences(base_dir: Path) -> tuple[str, ...]:
    source = (base_dir / "locale" / "de" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    found = []
    for msgid, msgstr in _ENTRY.findall(source):
        english, german = _joined(msgid), _joined(msgstr)
        if "%" in english or "<" in english or english == german or len(english.split()) < 3:
            continue
        found.append(english)
    return tuple(found)
