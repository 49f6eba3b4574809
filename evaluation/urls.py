from django.urls import path

from evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("clips/<uuid:clip_id>/rate", views.rate, name="rate"),
    path("versions/", views.versions, name="versions"),
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/<int:round_id>/", views.play, name="play"),
    path("rounds/<int:round_id>/pairs/<int:pair_id>/<str:side>.mp4", views.pair_video, name="pair_video"),
    path("rounds/<int:round_id>/pairs/<int:pair_id>/<str:side>.vtt", views.pair_captions, name="pair_captions"),
    path("results/", views.results, name="results"),
    path("export.jsonl", views.export, name="export"),
    path("consent/", views.consent, name="consent"),
]
