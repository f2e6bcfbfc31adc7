from django.urls import path

from . import views

app_name = "datarequests"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.new_request, name="new"),
    path("status/<str:token>/", views.status, name="status"),
    path("extract/<str:token>/", views.download, name="download"),
    path("<int:pk>/", views.detail, name="detail"),
]
