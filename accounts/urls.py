from django.urls import path

from accounts import preferences, security_views, views

urlpatterns = [
    path("invitations/", views.invitations, name="invitations"),
    path("invite/<str:token>/", views.invitation_accept_view, name="invitation_accept"),
    path("account/", views.account, name="account"),
    path("account/preferences", preferences.preferences_view, name="account_preferences"),
    path("account/tokens/<int:token_id>/revoke", views.token_revoke_view, name="token_revoke"),
    path("account/security/", security_views.account_security, name="account_security"),
    path("account/security/verify/", security_views.second_factor_verify, name="second_factor_verify"),
    path("account/security/setup/", security_views.second_factor_setup, name="second_factor_setup"),
    path("account/security/recovery-codes/", security_views.recovery_codes_new, name="recovery_codes_new"),
    # Before django.contrib.auth.urls (mounted at accounts/ in config/urls.py): the same page, rate-limited.
    path("accounts/password_reset/", security_views.RateLimitedPasswordResetView.as_view(), name="password_reset"),
]
