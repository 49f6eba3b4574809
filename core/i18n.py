"""Speaking to a person in their language: notifications and emails are written when the event happens, in
the recipient's language (the account's choice, accounts.User.language), not in that of whoever caused it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.utils import translation


def language_of(user) -> str:
    """The account's language when it chose one of settings.LANGUAGES, else the site's default."""
    language = getattr(user, "language", "") or ""
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


@contextmanager
def speaking_to(user) -> Iterator[str]:
    """Translate in `user`'s language inside the block (messages, email subjects and bodies)."""
    language = language_of(user)
    with translation.override(language):
        yield language


def inline_label(label) -> str:
    """A state's name inside a sentence: lower-cased in English ("is awaiting review"), as written in
    languages whose nouns keep their capital ("„Wartet auf Prüfung“")."""
    text = str(label)
    return text.lower() if (translation.get_language() or "en").startswith("en") else text
