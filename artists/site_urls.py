"""The artists app's pages outside its /artists/ namespace: the front page."""

from django.urls import path

from artists import views

urlpatterns = [
    path("", views.home, name="home"),
]
