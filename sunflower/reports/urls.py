"""The reports pages, mounted under /reports/. No personal data in any URL: a cell is named
by the run id, the question and the row and column indexes."""

from django.urls import path

from sunflower.reports import views, views_dashboards, views_quality

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path(
        "runs/<int:pk>/<str:question>/<int:row>/<int:col>/",
        views.cell_detail,
        name="cell",
    ),
    path("runs/<int:pk>/download.zip", views.download_zip, name="download_zip"),
    path("runs/<int:pk>/download.xlsx", views.download_xlsx, name="download_xlsx"),
    path("dashboard/", views_dashboards.dashboard, name="dashboard"),
    path("data-quality/", views_quality.index, name="quality"),
    path(
        "data-quality/projects/<int:pk>/",
        views_quality.project_findings,
        name="quality_project",
    ),
    path(
        "data-quality/projects/<int:pk>/<str:question>/<int:row>/<int:col>/",
        views_quality.finding_records,
        name="quality_records",
    ),
]
