"""CES meeting pages (case conferencing): docs/ces-meetings.md."""

from django.urls import path

from sunflower.ces import views_meetings

urlpatterns = [
    path("ces/meetings/", views_meetings.meeting_list, name="ces_meetings"),
    path("ces/meetings/<int:pk>/", views_meetings.meeting_detail, name="ces_meeting"),
    path(
        "ces/meetings/<int:pk>/minutes.pdf", views_meetings.meeting_minutes,
        name="ces_meeting_minutes",
    ),
    path(
        "ces/meetings/<int:pk>/<slug:step>/", views_meetings.meeting_step,
        name="ces_meeting_step",
    ),
]
