from django.urls import path

from artists import staff_views, views

app_name = "artists"

urlpatterns = [
    path("", views.hub, name="hub"),
    path("feedback/", views.feedback_list, name="feedback"),
    path("feedback/<int:feedback_id>/", views.feedback_detail, name="feedback_detail"),
    path("feedback/<int:feedback_id>/triage", staff_views.triage_decide, name="triage_decide"),
    path("attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("triage/", staff_views.triage, name="triage"),
    path("changelog/", staff_views.changelog, name="changelog"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger/ledger.csv", views.ledger_csv, name="ledger_csv"),
    path("ledger/desk/", staff_views.ledger_desk, name="ledger_desk"),
    path("consent/", views.consent, name="consent"),
    path("promo-kit/", staff_views.promo_kit, name="promo_kit"),
    path("promo-kit/<uuid:clip_id>/use", staff_views.promo_use, name="promo_use"),
    path("export/", views.exports, name="exports"),
    path("export/<uuid:export_id>/status", views.export_status, name="export_status"),
    path("export/<uuid:export_id>/download", views.export_download, name="export_download"),
    path("profile/", views.profile_edit, name="profile_edit"),
    path("delete/", views.delete_account, name="delete_account"),
    path("p/<str:username>/", views.profile, name="profile"),
]
