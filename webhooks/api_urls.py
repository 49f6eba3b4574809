from django.urls import path

from webhooks import api

urlpatterns = [
    path("webhooks", api.WebhookListCreateApi.as_view(), name="api_webhooks"),
    path("webhooks/<int:endpoint_id>", api.WebhookDetailApi.as_view(), name="api_webhook"),
    path("webhooks/<int:endpoint_id>/enable", api.WebhookEnableApi.as_view(), name="api_webhook_enable"),
    path("webhooks/<int:endpoint_id>/ping", api.WebhookPingApi.as_view(), name="api_webhook_ping"),
    path("webhooks/<int:endpoint_id>/deliveries", api.WebhookDeliveryListApi.as_view(), name="api_webhook_deliveries"),
]
