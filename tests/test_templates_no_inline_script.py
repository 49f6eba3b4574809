"""Every template's scripts are static files: no inline <script>, no inline on*= event handlers,
and every static/js file a template loads exists (and every one there is loaded by some template)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_DIRS = [ROOT / "templates", *sorted(ROOT.glob("*/templates"))]
TEMPLATES = sorted(p for d in TEMPLATE_DIRS for p in d.rglob("*") if p.is_file() and p.suffix in {".html", ".txt"})

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
HAS_SRC = re.compile(r"\ssrc\s*=", re.IGNORECASE)
# An attribute on..= inside a tag: `<button onclick="...">`, `<body onload=...>`.
EVENT_HANDLER = re.compile(r"<[a-zA-Z][^<>]*?\son[a-z]+\s*=", re.IGNORECASE)
STATIC_JS = re.compile(r"""{%\s*static\s+['"](js/[^'"]+)['"]\s*%}""")


def _relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_the_scan_sees_the_templates():
    names = {_relative(p) for p in TEMPLATES}
    assert "templates/base.html" in names and "templates/approvals/review.html" in names


@pytest.mark.parametrize("path", TEMPLATES, ids=_relative)
def test_no_inline_script(path):
    text = path.read_text(encoding="utf-8")
    inline = [m.group(0) for m in SCRIPT_TAG.finditer(text) if not HAS_SRC.search(m.group(1))]
    assert not inline, f"{_relative(path)}: inline script {inline}: move it to static/js/ and load it with src"


@pytest.mark.parametrize("path", TEMPLATES, ids=_relative)
def test_no_inline_event_handler(path):
    text = path.read_text(encoding="utf-8")
    found = [m.group(0) for m in EVENT_HANDLER.finditer(text)]
    assert not found, f"{_relative(path)}: inline event handler in {found}: use addEventListener in static/js/"


def test_the_checks_catch_what_they_look_for():
    assert SCRIPT_TAG.search("<script>alert(1)</script>") and not HAS_SRC.search(SCRIPT_TAG.search("<script>").group(1))
    assert HAS_SRC.search(SCRIPT_TAG.search('<script src="/static/js/a.js" defer></script>').group(1))
    assert EVENT_HANDLER.search('<button type="button" onclick="go()">')
    assert EVENT_HANDLER.search("<body\n  onload=init()>")
    assert not EVENT_HANDLER.search('<p class="online">Shown online = yes</p>')


def test_loaded_scripts_exist_and_none_is_orphaned():
    loaded = {name for p in TEMPLATES for name in STATIC_JS.findall(p.read_text(encoding="utf-8"))}
    present = {_relative(p).removeprefix("static/") for p in (ROOT / "static" / "js").rglob("*.js")}
    assert loaded, "no template loads a static/js script"
    assert loaded <= present, f"templates load missing scripts: {sorted(loaded - present)}"
    assert present <= loaded, f"scripts no template loads: {sorted(present - loaded)}"


@pytest.mark.parametrize("path", TEMPLATES, ids=_relative)
def test_script_tags_defer(path):
    text = path.read_text(encoding="utf-8")
    for m in SCRIPT_TAG.finditer(text):
        if STATIC_JS.search(m.group(1)):
            assert re.search(r"\sdefer\b", m.group(1)), f"{_relative(path)}: {m.group(0)} should be deferred"
