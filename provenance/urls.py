from django.urls import path

from provenance import views

app_name = "provenance"
urlpatterns = [
    path("trace/", views.trace_page, name="trace"),
    path("trace/<int:trace_id>/", views.trace_detail, name="trace_detail"),
]
