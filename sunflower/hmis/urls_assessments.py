"""Update and annual assessments and the "annuals coming due" list (docs/intake.md)."""

from django.urls import path

from sunflower.hmis import views_assessments

urlpatterns: list = [
    path(
        "enrollments/<int:pk>/assessments/new/",
        views_assessments.new_assessment,
        name="new_assessment",
    ),
    path("projects/<int:pk>/annuals/", views_assessments.annuals_due, name="annuals_due"),
]
