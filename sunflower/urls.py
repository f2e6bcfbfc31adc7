from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from sunflower.core.middleware import public
from sunflower.governance import views as governance_views
from sunflower.portal import views as portal_views

urlpatterns = [
    path("admin/", admin.site.urls),
    # The language switcher works for visitors of the public portal too.
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("audit/", include("sunflower.audit.urls")),
    path("interchange/", include("sunflower.interchange.urls")),
    path("duplicates/", include("sunflower.dedup.urls")),
    path("reports/", include("sunflower.reports.urls")),
    path("public/", include("sunflower.reports.urls_public")),
    path("portal/", include("sunflower.portal.urls")),
    path("training/", include("sunflower.training.urls")),
    path("help/", include("sunflower.helpdesk.urls")),
    path("data-requests/", include("sunflower.datarequests.urls")),
    path("outreach/", include("sunflower.outreach.urls")),
    # The access-request queue is the "Agency requests" feature (accounts/navigation.py).
    path("agency/requests/", portal_views.access_requests, name="agency_requests"),
    path("agency/requests/<int:pk>/", portal_views.access_request_detail, name="agency_request"),
    path("", include("sunflower.governance.urls")),
    # The Oversight Committee's page is the "Committee" feature (accounts/navigation.py).
    path("committee/", governance_views.committee, name="committee"),
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
