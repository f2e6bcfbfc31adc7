"""Stay pages: nightly bed-night check-in and exit (docs/stay-and-exit.md)."""

from django.urls import path

from sunflower.hmis import views_stay

urlpatterns: list = [
    path("projects/<int:pk>/bed-nights/", views_stay.bed_nights, name="bed_nights"),
    path("enrollments/<int:pk>/exit/", views_stay.exit_enrollment, name="exit_enrollment"),
]
