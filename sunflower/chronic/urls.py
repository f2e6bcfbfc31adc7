from django.urls import path

from sunflower.chronic import views

urlpatterns = [
    path(
        "clients/<int:client_pk>/homeless-history/new/",
        views.record,
        name="homeless_period_new",
    ),
    path(
        "clients/<int:client_pk>/homeless-history/<int:pk>/remove/",
        views.remove,
        name="homeless_period_remove",
    ),
]
