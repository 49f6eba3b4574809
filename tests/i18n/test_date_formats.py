"""Dates follow the viewer's language: English keeps ISO dates, German writes them the German way; a page's
dates change with the language switch."""

from __future__ import annotations

import datetime

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from tests.factories import make_clip

MOMENT = datetime.datetime(2026, 12, 3, 9, 41, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    "language, short_date, short_datetime, long",
    [
        ("en", "2026-12-03", "2026-12-03 09:41", "Thu 3 Dec 2026, 09:41 UTC"),
        ("de", "03.12.2026", "03.12.2026 09:41", "Do, 3. Dez 2026, 09:41 UTC"),
    ],
)
def test_the_formats_per_language(language, short_date, short_datetime, long):
    template = Template(
        '{{ t|date:"SHORT_DATE_FORMAT" }}|{{ t|date:"SHORT_DATETIME_FORMAT" }}|{{ t|date:"DATETIME_FORMAT" }}'
    )
    with translation.override(language):
        assert template.render(Context({"t": MOMENT})) == f"{short_date}|{short_datetime}|{long}"


@pytest.mark.django_db
def test_a_clip_page_dates_its_publication_in_the_viewers_language(client, artist):
    from generation.models import Clip

    clip = make_clip(artist)
    Clip.objects.filter(id=clip.id).update(published_at=MOMENT)
    client.force_login(artist)
    english = client.get(reverse("clip_detail", args=[clip.id]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    artist.language = "de"
    artist.save(update_fields=["language"])
    german = client.get(reverse("clip_detail", args=[clip.id]), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "published 2026-12-03" in english
    assert "03.12.2026" in german and "2026-12-03" not in german.split("<main", 1)[1].split("</main>")[0]
