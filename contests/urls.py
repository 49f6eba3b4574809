"""Contest pages, mounted at /contests/ by config/urls.py."""

from django.urls import path

from contests import views

urlpatterns = [
    path("", views.contest_list, name="contest_list"),
    path("mine/", views.my_entries, name="my_entries"),
    path("entries/<uuid:entry_id>/withdraw", views.entry_withdraw_view, name="contest_entry_withdraw"),
    path("<slug:slug>/", views.contest_detail, name="contest_detail"),
    path("<slug:slug>/entries/<uuid:entry_id>/<str:kind>", views.entry_media, name="contest_entry_media"),
    path("<slug:slug>/enter", views.entry_create_view, name="contest_enter"),
    path("<slug:slug>/judge/", views.judge_view, name="contest_judge"),
    path("<slug:slug>/judge/<uuid:entry_id>", views.judge_score_view, name="contest_judge_score"),
    path("<slug:slug>/judge/<uuid:entry_id>/<str:kind>", views.judging_media, name="contest_judging_media"),
    path("<slug:slug>/progress/", views.progress_view, name="contest_progress"),
    path("<slug:slug>/publish", views.publish_view, name="contest_publish"),
    path("<slug:slug>/scores.csv", views.scores_csv, name="contest_scores_csv"),
]
