"""The CI checks of issue 17 §1: every template string marked for translation (core.template_lint, run by
`manage.py check_i18n` in `make lint`), and German catalogues with no untranslated or fuzzy message
(msgfmt --check --statistics). Each must pass on the project and fail on a planted bad case."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from core.catalogues import catalogue_check, catalogues
from core.template_lint import findings, template_findings

LOCALE = settings.BASE_DIR / "locale"


def test_every_template_string_of_the_project_is_marked():
    found = [f"{path}:{f.line}: {f.text}" for path, f in template_findings(settings.BASE_DIR / "templates")]
    assert found == []


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ("<p>Render your clip now.</p>", "Render your clip now."),
        ('{% load i18n %}<p>{% translate "Fine" %} and this is not.</p>', "and this is not."),
        ('<input type="search" placeholder="Search prompts">', "Search prompts"),
        ('<a href="/" title="Back home">←</a>', "Back home"),
        ('<input type="submit" value="Send it">', "Send it"),
        ("<p>Quota: {{ n }} renders left</p>", "Quota: {{ n }} renders left"),
        ('{{ when|default:"never" }}', "never"),
        ("Plain email text for {{ name }}.", "Plain email text for {{ name }}."),
    ],
)
def test_the_lint_finds_a_newly_added_unmarked_sentence(source, text):
    assert [f.text for f in findings(source)] == [text]


@pytest.mark.parametrize(
    "source",
    [
        '{% load i18n %}<p>{% translate "Render your clip now." %}</p>',
        "{% load i18n %}<p>{% blocktranslate %}Quota: {{ n }} left{% endblocktranslate %}</p>",
        "{% load i18n %}<input placeholder=\"{% translate 'Search prompts' %}\">",
        '{% load i18n %}{{ when|default:_("never") }}',
        '<script src="/static/js/x.js"></script><code>curl -H "Authorization: Bearer"</code>',
        "{# a comment in English #}{% comment %}Another one{% endcomment %}<!-- and HTML's -->",
        '<!doctype html><html lang="en"><p>Vernissage · 12 MB · API · UTC</p></html>',
        '<input type="text" value="a value, not a label">',
    ],
)
def test_the_lint_accepts_marked_strings_code_and_comments(source):
    assert findings(source) == []


def test_check_i18n_fails_on_a_planted_unmarked_template(tmp_path, settings):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "planted.html").write_text("<h1>A heading nobody translated</h1>\n")
    settings.BASE_DIR, settings.LOCALE_PATHS = tmp_path, []
    with pytest.raises(CommandError, match="1 translation problem"):
        call_command("check_i18n")


def test_the_german_catalogues_are_complete():
    found = catalogues(LOCALE)
    assert {p.name for p in found} == {"django.po", "djangojs.po"}
    for po in found:
        report = catalogue_check(po)
        assert report.complete, report
        assert report.untranslated == report.fuzzy == 0 and report.translated > 0


def _planted(tmp_path: Path, entry: str) -> Path:
    po = tmp_path / "de" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    shutil.copy(LOCALE / "de" / "LC_MESSAGES" / "django.po", po)
    with po.open("a", encoding="utf-8") as out:
        out.write("\n" + entry + "\n")
    return po


def test_the_catalogue_check_fails_on_an_untranslated_message(tmp_path):
    report = catalogue_check(_planted(tmp_path, 'msgid "A sentence added later"\nmsgstr ""'))
    assert report.untranslated == 1 and not report.complete


def test_the_catalogue_check_fails_on_a_fuzzy_message(tmp_path):
    report = catalogue_check(_planted(tmp_path, '#, fuzzy\nmsgid "A sentence added later"\nmsgstr "Ein Satz"'))
    assert report.fuzzy == 1 and not report.complete


def test_the_catalogue_check_fails_on_a_lost_placeholder(tmp_path):
    entry = '#, python-format\nmsgid "Hello %(name)s"\nmsgstr "Hallo"'
    report = catalogue_check(_planted(tmp_path, entry))
    assert "name" in report.errors and not report.complete


def test_check_i18n_fails_on_a_planted_untranslated_message(tmp_path, settings):
    (tmp_path / "templates").mkdir()
    _planted(tmp_path / "locale", 'msgid "A sentence added later"\nmsgstr ""')
    settings.BASE_DIR, settings.LOCALE_PATHS = tmp_path, [tmp_path / "locale"]
    with pytest.raises(CommandError, match="1 translation problem"):
        call_command("check_i18n")


def test_check_i18n_passes_on_the_project(capsys):
    call_command("check_i18n")
    assert "every catalogue is complete" in capsys.readouterr().out
