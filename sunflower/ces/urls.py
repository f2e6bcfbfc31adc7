"""CES pages: the home page, assessments, the prioritization lists, openings and referrals.
Meetings are in urls_meetings, administration pages in urls_admin."""

from __future__ import annotations

from django.urls import path

from sunflower.ces import views

urlpatterns = [
    path("ces/", views.home, name="ces"),
    path("ces/regions/", views.regions, name="ces_regional_list"),
    path("ces/regions/<int:region_id>/list/", views.region_list, name="ces_list"),
    path("ces/regions/<int:region_id>/recompute/", views.recompute_region,
         name="ces_recompute"),
    path("ces/intake/", views.intake, name="ces_intake"),
    path("ces/enrollments/<int:pk>/assess/", views.assess_household, name="ces_assess"),
    path("ces/households/<int:pk>/", views.entry_detail, name="ces_entry"),
    path("ces/households/<int:pk>/restore/", views.restore_entry, name="ces_restore"),
    path("ces/households/new-survivor/", views.new_deidentified, name="ces_new_deidentified"),
    path("ces/households/<int:pk>/survivor/", views.edit_deidentified,
         name="ces_edit_deidentified"),
    path("ces/openings/", views.openings, name="ces_openings"),
    path("ces/openings/new/", views.new_opening, name="ces_new_opening"),
    path("ces/openings/<int:pk>/", views.opening_detail, name="ces_opening"),
    path("ces/referrals/", views.my_referrals, name="ces_referrals"),
    path("ces/referrals/new/", views.refer, name="ces_refer"),
    path("ces/referrals/<int:pk>/", views.referral_detail, name="ces_referral"),
]
