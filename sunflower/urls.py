from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("audit/", include("sunflower.audit.urls")),
    path("interchange/", include("sunflower.interchange.urls")),
    path("duplicates/", include("sunflower.dedup.urls")),
    path("reports/", include("sunflower.reports.urls")),
    path("public/", include("sunflower.reports.urls_public")),
    path("", include("sunflower.hmis.urls")),
    path("", include("sunflower.hmis.urls_client")),
    path("", include("sunflower.hmis.urls_enrollment")),
    path("", include("sunflower.hmis.urls_stay")),
    path("", include("sunflower.hmis.urls_assessments")),
    path("", include("sunflower.hmis.urls_services")),
    path("", include("sunflower.documents.urls")),
    path("", include("sunflower.consent.urls")),
    path("", include("sunflower.chronic.urls")),
    path("", include("sunflower.ces.urls")),
    path("", include("sunflower.ces.urls_meetings")),
    path("", include("sunflower.ces.urls_admin")),
    path("", include("sunflower.accounts.urls")),
]
