from django.urls import path

from . import views

app_name = "helpdesk"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.new_ticket, name="new"),
    path("status/<str:token>/", views.status, name="status"),
    path("tickets/<int:pk>/", views.ticket, name="ticket"),
]
