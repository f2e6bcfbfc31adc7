"""Client creation pages (the case-management issue's second slice)."""

from django.urls import path

from sunflower.hmis import views_client

urlpatterns: list = [
    path("clients/new/", views_client.client_create, name="client_create"),
]
