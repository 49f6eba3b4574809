from django.urls import path
from django.views.i18n import JavaScriptCatalog

from core import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # The JavaScript strings of static/js/*.js in the page's language (djangojs.po); base.html loads it first.
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript_catalog"),
]
