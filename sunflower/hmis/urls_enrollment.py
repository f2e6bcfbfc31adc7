"""Household enrollment and project-start intake pages (docs/intake.md)."""

from django.urls import path

from sunflower.hmis import views_intake

urlpatterns: list = [
    path("enrollments/new/", views_intake.enroll_new, name="enroll_new"),
    path("enrollments/<int:pk>/intake/", views_intake.intake_form, name="intake"),
]
