"""Every page without URL arguments, and every admin list and add page, answers each role without a 5xx."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, get_resolver, reverse

from approvals.gate import Publication
from tests.factories import PASSWORD, make_clip, make_user
from tests.routes import named_routes

pytestmark = pytest.mark.django_db


def _argument_free_urls() -> list[str]:
    urls = set()
    for name in named_routes(get_resolver().url_patterns):
        if name.startswith("admin:"):
            continue
        try:
            urls.add(reverse(name))
        except NoReverseMatch:
            continue  # needs arguments
    return sorted(urls)


def _admin_urls() -> list[str]:
    urls = []
    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        urls.append(reverse("admin:{}_{}_add".format(*info)))
    return urls


@pytest.mark.parametrize("role", [None, "artist", "moderator", "admin"])
def test_no_page_answers_with_a_server_error(client, role):
    owner = make_user("north", role="artist")
    make_clip(owner, publication=Publication.PUBLISHED)
    make_clip(owner)
    if role:
        user = make_user(f"visitor-{role}", role=role)
        if role == "admin":
            user.is_superuser = True
            user.save(update_fields=["is_superuser"])
        assert client.login(username=user.username, password=PASSWORD)
    urls = _argument_free_urls() + (_admin_urls() if role == "admin" else [])
    assert len(urls) > 20
    failures = {}
    for url in urls:
        if "logout" in url:
            continue
        status = client.get(url).status_code
        if url == "/readyz" and status == 503:
            continue  # not ready (no render worker here) is its answer, not an error: tests/ops/test_readiness.py
        if status >= 500:
            failures[url] = status
    assert failures == {}
