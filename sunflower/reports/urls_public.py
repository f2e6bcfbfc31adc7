"""Pages anyone may read, mounted under /public/: aggregates only, small cells suppressed."""

from django.urls import path

from sunflower.reports import views_dashboards

app_name = "public"
urlpatterns = [
    path("dashboard/", views_dashboards.public_dashboard, name="dashboard"),
]
