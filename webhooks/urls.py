from django.urls import path

from webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("", views.endpoint_list, name="list"),
    path("<int:endpoint_id>/", views.endpoint_detail, name="detail"),
    path("<int:endpoint_id>/ping", views.endpoint_ping_view, name="ping"),
    path("<int:endpoint_id>/enable", views.endpoint_enable_view, name="enable"),
    path("<int:endpoint_id>/delete", views.endpoint_delete_view, name="delete"),
]
