from django.contrib import admin

from core.admin import ReadOnlyAdmin
from webhooks.models import Delivery, Endpoint


@admin.register(Endpoint)
class EndpointAdmin(ReadOnlyAdmin):
    list_display = ("url", "owner", "site_wide", "enabled", "consecutive_failures", "created_at")
    list_filter = ("enabled", "site_wide")
    exclude = ("secret",)


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ("event", "endpoint", "status", "attempts", "created_at")
    list_filter = ("status", "event")
