"""A lint for templates: words a person reads that are not marked for translation.

Each template is split by Django's own lexer; template tags are masked (their length kept, so positions stay
those of the source), and the rest is scanned as HTML: the text between tags, the attributes people read
(title, alt, placeholder, aria-label, label, a button's value), and the words given to `default` filters.
Text inside {% translate %}, {% blocktranslate %}...{% endblocktranslate %}, comments, <script>, <style>,
<code>, <pre> and <kbd> is skipped. A run of text with a word of two letters or more, outside those, is a
finding. `manage.py check_i18n` (make lint) fails on any; tests/test_i18n.py plants one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.template.base import DebugLexer, TokenType

BLOCK, VAR = "\x01", "\x02"
#: Words that are the same in every language: the product's name, formats, units.
ALLOWED = frozenset(
    {
        "Vernissage",
        "API",
        "CSV",
        "JSON",
        "MP4",
        "WebM",
        "URL",
        "ID",
        "px",
        "fps",
        "UTC",
        "OK",
        "GPU",
        "HTTP",
        "ms",
        "MB",
        "KB",
        "GB",
    }
)
WORD = re.compile(r"[^\W\d_]{2,}")
READABLE_ATTRIBUTES = frozenset({"title", "alt", "placeholder", "aria-label", "aria-description", "label"})
SKIPPED_ELEMENTS = frozenset({"script", "style", "code", "pre", "kbd", "samp"})
_SKIP_OPEN = re.compile(r"{%\s*(blocktranslate|blocktrans|comment|verbatim)\b")
_SKIP_CLOSE = re.compile(r"{%\s*end(blocktranslate|blocktrans|comment|verbatim)\b")
#: Templates of another package's pages, extended here without words of their own (the API docs).
SKIPPED_TEMPLATES = ("drf_spectacular/",)
_FILTER_LITERAL = re.compile(r"""\|(?:default|default_if_none):(?:"([^"]*)"|'([^']*)')""")
_ATTRIBUTE = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?""")


@dataclass(frozen=True)
class Finding:
    line: int
    text: str  # the words as a person reads them (variables shown as {{ ... }})
    start: int  # offsets into the source
    end: int
    attribute: str = ""  # the attribute's name, or "" for text between tags


def _masked(source: str) -> str:
    """The source with every template tag and variable replaced by a run of BLOCK or VAR of the same length, and
    everything inside a skipped block pair (blocktranslate, comment, verbatim) masked as BLOCK too."""
    out: list[str] = []
    depth = 0
    for token in DebugLexer(source).tokenize():
        raw = source[token.position[0] : token.position[1]] if token.position else token.contents
        if token.token_type == TokenType.BLOCK:
            if _SKIP_OPEN.match(raw):
                depth += 1
            elif _SKIP_CLOSE.match(raw):
                depth = max(0, depth - 1)
            out.append(BLOCK * len(raw))
        elif token.token_type == TokenType.COMMENT:
            out.append(BLOCK * len(raw))
        elif depth:
            out.append(BLOCK * len(raw))
        elif token.token_type == TokenType.VAR:
            out.append(VAR * len(raw))
        else:
            out.append(raw)
    masked = "".join(out)
    assert len(masked) == len(source), "the lexer's positions must cover the source"
    return masked


def _readable(text: str) -> bool:
    plain = text.replace(VAR, " ").replace(BLOCK, " ")
    return any(word not in ALLOWED for word in WORD.findall(plain))


def _runs(masked: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Runs of text and variables between `start` and `end`, split at block tags, stripped of spaces."""
    for match in re.finditer(rf"[^{BLOCK}]+", masked[start:end]):
        a, b = start + match.start(), start + match.end()
        while a < b and masked[a].isspace():
            a += 1
        while b > a and masked[b - 1].isspace():
            b -= 1
        if a < b:
            yield a, b


def findings(source: str) -> list[Finding]:
    """The unmarked words of one template."""
    masked = _masked(source)
    result: list[Finding] = []

    def add(a: int, b: int, attribute: str = "") -> None:
        if _readable(masked[a:b]):
            text = " ".join(source[a:b].split())
            result.append(Finding(source.count("\n", 0, a) + 1, text, a, b, attribute))

    pos, skipping = 0, ""
    for tag in re.finditer(r"<(/?)([A-Za-z][\w-]*|!--|![A-Za-z]+)([^>]*)>", masked):
        closing, name, interior = tag.group(1), tag.group(2).lower(), tag.group(3)
        if not skipping:
            for a, b in _runs(masked, pos, tag.start()):
                add(a, b)
        pos = tag.end()
        if skipping:
            if closing and name == skipping:
                skipping = ""
            continue
        if name in SKIPPED_ELEMENTS and not closing and not interior.rstrip().endswith("/"):
            skipping = name
            continue
        if closing or name.startswith("!"):
            continue
        offset = tag.start(3)
        attributes = {m.group(1).lower(): m for m in _ATTRIBUTE.finditer(interior)}
        button_value = name == "input" and _value(attributes.get("type")) in {"submit", "button", "reset"}
        for attr, match in attributes.items():
            if attr in READABLE_ATTRIBUTES or (attr == "value" and button_value):
                group = next((g for g in (2, 3, 4) if match.group(g) is not None), None)
                if group is not None:
                    for a, b in _runs(masked, offset + match.start(group), offset + match.end(group)):
                        add(a, b, attr)
    if not skipping:
        for a, b in _runs(masked, pos, len(masked)):
            add(a, b)
    for literal in _FILTER_LITERAL.finditer(source):  # {{ x|default:"never" }}: write default:_("never")
        group = 1 if literal.group(1) is not None else 2
        if masked[literal.start()] == VAR and _readable(literal.group(group)):
            a, b = literal.start(group), literal.end(group)
            result.append(Finding(source.count("\n", 0, a) + 1, literal.group(group), a, b, "filter"))
    return sorted(result, key=lambda finding: finding.start)


def _value(match) -> str:
    if match is None:
        return ""
    return (match.group(2) or match.group(3) or match.group(4) or "").lower()


def template_findings(root: Path) -> Iterator[tuple[Path, Finding]]:
    """Every finding in the .html and .txt templates under `root`."""
    for path in sorted(root.rglob("*")):
        if path.relative_to(root).as_posix().startswith(SKIPPED_TEMPLATES):
            continue
        if path.suffix in {".html", ".txt"} and path.is_file():
            for finding in findings(path.read_text(encoding="utf-8")):
                yield path, finding
