"""Personal token endpoints of API v1, included under /api/v1/ by config/api_urls.py."""

from django.urls import path

from accounts import api

urlpatterns = [
    path("invitations", api.InvitationListCreateApi.as_view(), name="api_invitations"),
    path("me", api.MeRetrieveApi.as_view(), name="api_me"),
    path("me/preferences", api.AccountPreferencesUpdateApi.as_view(), name="api_me_preferences"),
    path("tokens", api.TokenListApi.as_view(), name="api_tokens"),
    path("tokens/<int:token_id>/revoke", api.TokenRevokeApi.as_view(), name="api_token_revoke"),
]
