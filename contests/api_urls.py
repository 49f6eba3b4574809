"""Contest endpoints of API v1, included under /api/v1/ by config/api_urls.py."""

from django.urls import path

from contests import api, judging_api, manage_api

urlpatterns = [
    path("contests", api.ContestListApi.as_view(), name="api_contests"),
    path("contests/entries", api.MyEntryListApi.as_view(), name="api_contest_my_entries"),
    path("contests/<slug:slug>", api.ContestDetailApi.as_view(), name="api_contest"),
    path("contests/<slug:slug>/entries", api.ContestEntryListCreateApi.as_view(), name="api_contest_entries"),
    path(
        "contests/<slug:slug>/entries/<uuid:entry_id>", api.ContestEntryWithdrawApi.as_view(), name="api_contest_entry"
    ),
    path("contests/<slug:slug>/progress", manage_api.ContestProgressApi.as_view(), name="api_contest_progress"),
    path("contests/<slug:slug>/results", manage_api.ContestResultsPublishApi.as_view(), name="api_contest_results"),
    path("contests/<slug:slug>/judging", judging_api.JudgingEntryListApi.as_view(), name="api_contest_judging"),
    path(
        "contests/<slug:slug>/judging/<uuid:entry_id>", judging_api.JudgingScoreApi.as_view(), name="api_contest_score"
    ),
]
