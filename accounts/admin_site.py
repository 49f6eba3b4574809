"""The admin site behind the second factor: django-otp's OTPAdminSite (only a session verified by a
device passes `has_permission`), signing in through the site's own login and verify pages."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp.admin import OTPAdminSite


class SecondFactorAdminSite(OTPAdminSite):
    """Installed as the class of `django.contrib.admin.site` (AccountsConfig.ready)."""

    def login(self, request, extra_context=None):
        """One way in: the site's login page (password), then its second-factor page, then back here."""
        target = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("admin:index", current_app=self.name)
        return redirect_to_login(target, settings.LOGIN_URL)
