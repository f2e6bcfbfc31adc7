"""CES participation pages: the agreement, notifications, the decision report, access points."""

from __future__ import annotations

from django.urls import path

from sunflower.ces import views_admin

urlpatterns = [
    path("ces/agreement/", views_admin.agreement, name="ces_agreement"),
    path("ces/agreement/signatures/", views_admin.agreement_signatures,
         name="ces_agreement_signatures"),
    path("ces/notifications/", views_admin.notifications, name="ces_notifications"),
    path("ces/notifications/<int:pk>/read/", views_admin.notification_read,
         name="ces_notification_read"),
    path("ces/notifications/read-all/", views_admin.notifications_read_all,
         name="ces_notifications_read_all"),
    path("ces/reports/referral-decisions/", views_admin.decision_report,
         name="ces_decision_report"),
    path("ces/access-points/", views_admin.access_point_list, name="ces_access_points"),
    path("ces/access-points/<int:pk>/end/", views_admin.access_point_end,
         name="ces_access_point_end"),
]
