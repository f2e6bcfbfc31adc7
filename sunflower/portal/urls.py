from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("access/", views.access, name="access"),
    path("access/request/", views.request_access, name="request_access"),
    path("access/request/sent/", views.request_access_sent, name="request_access_sent"),
    path("resources/", views.resources, name="resources"),
    path("resources/files/<int:pk>/", views.resource_file, name="resource_file"),
    path("resources/<slug:slug>/", views.resource_page, name="resource_page"),
    path("contact/", views.contact, name="contact"),
    path("onboarding/<str:token>/", views.onboarding, name="onboarding"),
    path("agreement/", views.agreement, name="agreement"),
]
