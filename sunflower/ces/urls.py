"""CES pages: the home page, assessments, the prioritization lists, openings and referrals."""

from __future__ import annotations

from django.urls import path

from sunflower.ces import views

urlpatterns = [
    path("ces/", views.home, name="ces"),
    path("ces/regions/", views.regions, name="ces_regional_list"),
    path("ces/referrals/<int:pk>/", views.referral_detail, name="ces_referral"),
]
