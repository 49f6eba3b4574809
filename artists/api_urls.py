"""The artists app's endpoints of API v1, included under /api/v1/ by config/api_urls.py."""

from django.urls import path

from artists.api import consent, desk, exports, feedback, ledger, profile

urlpatterns = [
    path("feedback", feedback.FeedbackListCreateApi.as_view(), name="api_feedback"),
    path("feedback/<int:feedback_id>", feedback.FeedbackDetailApi.as_view(), name="api_feedback_item"),
    path(
        "feedback/<int:feedback_id>/attachments/<int:attachment_id>",
        feedback.FeedbackAttachmentApi.as_view(),
        name="api_feedback_attachment",
    ),
    path("feedback/<int:feedback_id>/triage", feedback.FeedbackTriageApi.as_view(), name="api_feedback_triage"),
    path("triage", feedback.TriageListApi.as_view(), name="api_triage"),
    path("changelog", feedback.ChangelogListCreateApi.as_view(), name="api_changelog"),
    path("ledger", ledger.LedgerListApi.as_view(), name="api_ledger"),
    path("ledger/balance", ledger.LedgerBalanceApi.as_view(), name="api_ledger_balance"),
    path("ledger.csv", ledger.LedgerCsvApi.as_view(), name="api_ledger_csv"),
    path("ledger/desk", desk.LedgerDeskCreateApi.as_view(), name="api_ledger_desk"),
    path("promo-kit", desk.PromoKitListApi.as_view(), name="api_promo_kit"),
    path("promo-kit/<uuid:clip_id>/uses", desk.PromoUseCreateApi.as_view(), name="api_promo_use"),
    path("consent", consent.ConsentListApi.as_view(), name="api_consent"),
    path("consent/grant", consent.ConsentGrantApi.as_view(), name="api_consent_grant"),
    path("consent/revoke", consent.ConsentRevokeApi.as_view(), name="api_consent_revoke"),
    path("exports", exports.ExportListCreateApi.as_view(), name="api_exports"),
    path("exports/<uuid:export_id>", exports.ExportDetailApi.as_view(), name="api_export"),
    path("exports/<uuid:export_id>/download", exports.ExportDownloadApi.as_view(), name="api_export_download"),
    path("profile", profile.ProfileApi.as_view(), name="api_profile"),
]
