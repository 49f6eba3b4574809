from django.urls import path

from ops import views

urlpatterns = [
    path("metrics", views.metrics, name="metrics"),
    path("readyz", views.readyz, name="readyz"),
    path("ops/readiness", views.readiness_page, name="readiness"),
]
