from django.urls import path

from . import views

app_name = "governance"

urlpatterns = [
    path("agency/program-requests/", views.request_list, name="requests"),
    path("agency/program-requests/new/", views.new_request, name="new"),
    path("agency/program-requests/<int:pk>/", views.request_detail, name="request"),
    path("portal/end-user-committee/", views.end_user_committee, name="end_user_committee"),
    path(
        "portal/end-user-committee/calendar.ics", views.end_user_calendar, name="end_user_calendar"
    ),
    path("portal/end-user-committee/questions/<int:pk>/answer/", views.answer, name="answer"),
]
