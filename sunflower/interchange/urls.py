from django.urls import path

from sunflower.interchange import views

app_name = "interchange"
urlpatterns = [
    path("imports/", views.imports, name="imports"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/findings.csv", views.import_findings_csv, name="import_findings_csv"),
    path("exports/", views.exports, name="exports"),
    path("exports/<int:pk>/", views.export_detail, name="export_detail"),
    path("exports/<int:pk>/download", views.export_download, name="export_download"),
]
