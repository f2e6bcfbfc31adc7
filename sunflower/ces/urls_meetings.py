"""Placeholder until its pages land (issue 5)."""

from django.urls import path

from sunflower.ces import views

urlpatterns = [path("ces/meetings/", views.home, name="ces_meetings")]
