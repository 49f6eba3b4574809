"""The artists app's endpoints of API v1, included under /api/v1/ by config/api_urls.py."""

from django.urls import path

from artists import api

urlpatterns = [
    path("feedback", api.FeedbackListCreateApi.as_view(), name="api_feedback"),
    path("feedback/<int:feedback_id>", api.FeedbackDetailApi.as_view(), name="api_feedback_item"),
    path(
        "feedback/<int:feedback_id>/attachments/<int:attachment_id>",
        api.FeedbackAttachmentApi.as_view(),
        name="api_feedback_attachment",
    ),
    path("feedback/<int:feedback_id>/triage", api.FeedbackTriageApi.as_view(), name="api_feedback_triage"),
    path("triage", api.TriageListApi.as_view(), name="api_triage"),
    path("changelog", api.ChangelogListCreateApi.as_view(), name="api_changelog"),
    path("ledger", api.LedgerListApi.as_view(), name="api_ledger"),
    path("ledger/balance", api.LedgerBalanceApi.as_view(), name="api_ledger_balance"),
    path("ledger.csv", api.LedgerCsvApi.as_view(), name="api_ledger_csv"),
    path("ledger/desk", api.LedgerDeskCreateApi.as_view(), name="api_ledger_desk"),
    path("promo-kit", api.PromoKitListApi.as_view(), name="api_promo_kit"),
    path("promo-kit/<uuid:clip_id>/uses", api.PromoUseCreateApi.as_view(), name="api_promo_use"),
    path("consent", api.ConsentListApi.as_view(), name="api_consent"),
    path("consent/grant", api.ConsentGrantApi.as_view(), name="api_consent_grant"),
    path("consent/revoke", api.ConsentRevokeApi.as_view(), name="api_consent_revoke"),
    path("exports", api.ExportListCreateApi.as_view(), name="api_exports"),
    path("exports/<uuid:export_id>", api.ExportDetailApi.as_view(), name="api_export"),
    path("exports/<uuid:export_id>/download", api.ExportDownloadApi.as_view(), name="api_export_download"),
    path("profile", api.ProfileApi.as_view(), name="api_profile"),
]
