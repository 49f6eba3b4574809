"""The publication gate is the only writer of a clip's publication columns, and no template decides
what to show by testing a publication state.

The source tree is parsed (not grepped) so that reads such as `.filter(publication=...)` pass and
writes in any spelling fail: `clip.publication = ...`, `setattr(clip, "publication", ...)`,
`.update(publication=...)`, `.create(publication=...)`, `Clip(publication=...)`, `update_fields=[...]`.
Exempt: approvals/gate.py (the writer), migrations (history) and tests.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from approvals.gate import GATE_FIELDS, Publication

ROOT = Path(__file__).resolve().parents[2]
WRITER = ROOT / "approvals" / "gate.py"
FIELDS = set(GATE_FIELDS)
WRITE_CALLS = {"update", "create", "get_or_create", "update_or_create", "bulk_create", "Clip"}
# Model declarations name the columns as class attributes; other apps have unrelated fields of these
# names (e.g. artists' ConsentTerms.published_at), written in their own create() calls.
OTHER_MODELS_FIELD = {("artists", "published_at")}


def _sources():
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if rel.parts[0] in {"tests", ".venv", "var", "media", "node_modules"} or "migrations" in rel.parts:
            continue
        if path == WRITER:
            continue
        yield rel, path.read_text()


def _strings(node) -> set[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return {e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)}
    if isinstance(node, ast.Starred):
        return _strings(node.value)
    return set()


def _writes(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for sub in ast.walk(target):
                    if isinstance(sub, ast.Attribute) and sub.attr in FIELDS:
                        found.append((node.lineno, f".{sub.attr} = ..."))
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name == "setattr" and len(node.args) >= 2 and _strings(node.args[1]) & FIELDS:
                found.append((node.lineno, "setattr(..., gate field)"))
            for keyword in node.keywords:
                if name in WRITE_CALLS and keyword.arg in FIELDS:
                    found.append((node.lineno, f"{name}({keyword.arg}=...)"))
                if keyword.arg == "update_fields" and _strings(keyword.value) & FIELDS:
                    found.append((node.lineno, "save(update_fields=[gate field])"))
    return found


def test_only_the_gate_writes_the_publication_columns():
    offenders = []
    for rel, text in _sources():
        for line, what in _writes(ast.parse(text, filename=str(rel))):
            if (rel.parts[0], what.split("(")[-1].split("=")[0].strip(". ")) in OTHER_MODELS_FIELD:
                continue
            offenders.append(f"{rel}:{line}: {what}")
    assert offenders == [], "only approvals/gate.py (set_state) may write the publication columns:\n" + "\n".join(
        offenders
    )


def test_the_guard_catches_each_spelling_of_a_write():
    samples = [
        "clip.publication = 'published'",
        "clip.is_public = True",
        "setattr(clip, 'publish_at', None)",
        "Clip.objects.filter(id=1).update(publication='withdrawn')",
        "Clip.objects.create(flagged=True)",
        "Clip(publication='published')",
        "clip.save(update_fields=['policy_flags'])",
    ]
    for sample in samples:
        assert _writes(ast.parse(sample)), sample
    reads = [
        "Clip.objects.filter(publication='published')",
        "Q(is_public=True)",
        "x = clip.publication",
        "Clip.objects.exclude(publish_at=None).order_by('-published_at')",
    ]
    for sample in reads:
        assert not _writes(ast.parse(sample)), sample


_STATES = "|".join(re.escape(value) for value in Publication.values)
_IF_TAG = re.compile(r"\{%\s*(?:if|elif)\b(?P<test>[^%]*)%\}")
_STATE_TEST = re.compile(
    r"\.publication\b|\bpublication\s*(?:==|!=|\bin\b)|\bis_published\b"  # looks at the state
    rf"|[\"'](?:[^\"']*\s)?(?:{_STATES})(?:\s[^\"']*)?[\"']"  # or names one
)


def test_the_template_guard_catches_a_state_test():
    for sample in [
        '{% if clip.publication == "published" %}',
        "{% elif clip.publication in 'a rejected b' %}",
        "{% if job.clip.is_published %}",
        "{% if state == 'taken_down' %}",
    ]:
        assert _STATE_TEST.search(_IF_TAG.search(sample).group("test")), sample
    for sample in ["{% if can.withdraw %}", "{% if contest.results_published_at %}", "{% if in_gallery %}"]:
        assert not _STATE_TEST.search(_IF_TAG.search(sample).group("test")), sample


def test_no_template_decides_by_testing_a_publication_state():
    offenders = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            for tag in _IF_TAG.finditer(line):
                if _STATE_TEST.search(tag.group("test")):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {tag.group(0)}")
    assert offenders == [], "templates ask approvals.gate (available_actions, tags) instead:\n" + "\n".join(offenders)


def test_the_migration_fills_is_public_from_each_clips_state(db, artist):
    import importlib

    from django.apps import apps

    from generation.models import Clip
    from tests.factories import make_clip

    published, private = make_clip(artist, publication=Publication.PUBLISHED), make_clip(artist)
    withdrawn = make_clip(artist, publication=Publication.WITHDRAWN)
    Clip.objects.update(is_public=False)  # as the column is when the migration adds it
    importlib.import_module("generation.migrations.0006_publication_owned_by_gate").fill_is_public(apps, None)
    public = dict(Clip.objects.values_list("id", "is_public"))
    assert (public[published.id], public[private.id], public[withdrawn.id]) == (True, False, False)


def test_the_column_default_is_the_gates_initial_state():
    from approvals.gate import INITIAL
    from generation.models import Clip

    assert Clip._meta.get_field("publication").default == INITIAL
    assert Clip._meta.get_field("is_public").default is False
