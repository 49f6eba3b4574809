from django.urls import path

from accounts import views

urlpatterns = [
    path("invitations/", views.invitations, name="invitations"),
    path("invite/<str:token>/", views.invitation_accept_view, name="invitation_accept"),
    path("account/", views.account, name="account"),
    path("account/tokens/<int:token_id>/revoke", views.token_revoke_view, name="token_revoke"),
]
