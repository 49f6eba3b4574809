"""The viewer's language and time zone: chosen in the header (language) and on the account page (zone),
remembered on the account, applied to every request.

The language of a request is the account's when it chose one (LocaleMiddleware has already applied the
language cookie, then Accept-Language); an API request that sends Accept-Language gets that language, so
`detail` messages follow it (the `code`s never change). The zone is the account's, else the browser's
(core.timezones), else UTC; API answers stay in UTC.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from core.timezones import viewer_timezone, zone_named

LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)


class ViewerPreferencesMiddleware:
    """After authentication: activate the account's language (unless an API request names its own) and the
    viewer's time zone for the whole request, templates included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        authenticated = bool(user is not None and user.is_authenticated)
        language = getattr(user, "language", "") if authenticated else ""
        api_asks = request.path_info.startswith("/api/") and "HTTP_ACCEPT_LANGUAGE" in request.META
        if language in LANGUAGE_CODES and not api_asks:
            translation.activate(language)
            request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        if request.path_info.startswith("/api/"):  # the API answers in UTC (ISO 8601 with its offset) for everyone
            return self.get_response(request)
        zone = viewer_timezone(request, getattr(user, "time_zone", "") if authenticated else "")
        request.viewer_tz = zone  # type: ignore[attr-defined]
        timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=settings.LANGUAGES, required=False)
    time_zone = forms.CharField(label=gettext_lazy("Time zone"), max_length=64, required=False)

    def clean_time_zone(self) -> str:
        name = self.cleaned_data["time_zone"].strip()
        if name and zone_named(name) is None:
            raise forms.ValidationError(
                _("“%(zone)s” is not a time zone we know, such as Europe/Berlin."), params={"zone": name[:64]}
            )
        return name


def preferences_set(*, user, language: str | None = None, time_zone: str | None = None) -> list[str]:
    """Remember the language and/or zone on the account (an empty value: follow the browser); returns the
    fields changed."""
    changed = []
    if language is not None and language != user.language:
        user.language = language
        changed.append("language")
    if time_zone is not None and time_zone != user.time_zone:
        user.time_zone = time_zone
        changed.append("time_zone")
    if changed:
        user.save(update_fields=changed)
    return changed


def _next_url(request: HttpRequest) -> str:
    for candidate in (request.POST.get("next"), request.META.get("HTTP_REFERER")):
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return candidate
    return "/"


@require_http_methods(["GET", "POST"])
def preferences_view(request: HttpRequest) -> HttpResponse:
    """The header's language switch and the account page's zone: remembered on the account (and, for the
    language, in the cookie, for the pages before signing in). A GET (a bookmarked address) goes to the
    account page's form."""
    if request.method == "GET":
        return HttpResponseRedirect(reverse("account") + "#preferences")
    form = PreferencesForm(request.POST)
    response = HttpResponseRedirect(_next_url(request))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return response
    language = form.cleaned_data["language"] if "language" in request.POST else None
    time_zone = form.cleaned_data["time_zone"] if "time_zone" in request.POST else None
    if request.user.is_authenticated:
        preferences_set(user=request.user, language=language, time_zone=time_zone)
    if language:
        translation.activate(language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE or 365 * 24 * 3600,
            samesite="Lax",
            secure=request.is_secure(),
        )
    if time_zone is not None and request.user.is_authenticated:
        messages.success(
            request, _("Times are now shown in %(zone)s.") % {"zone": time_zone or _("your browser's zone")}
        )
    return response
