from django.urls import path

from . import views

app_name = "governance"

urlpatterns = [
    path("program-requests/", views.request_list, name="requests"),
    path("program-requests/new/", views.new_request, name="new"),
    path("program-requests/<int:pk>/", views.request_detail, name="request"),
]
