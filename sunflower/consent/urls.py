from django.urls import path

from sunflower.consent import views

urlpatterns = [
    path("clients/<int:client_pk>/releases/new/", views.record, name="release_new"),
    path("releases/<int:pk>/revoke/", views.revoke, name="release_revoke"),
]
