"""During-the-stay pages: services, current living situation, housing move-in date
(docs/services.md)."""

from django.urls import path

from sunflower.hmis import views_services

urlpatterns: list = [
    path("enrollments/<int:pk>/services/new/", views_services.service_new, name="service_new"),
    path(
        "enrollments/<int:pk>/services/<int:service_pk>/delete/",
        views_services.service_delete,
        name="service_delete",
    ),
    path(
        "enrollments/<int:pk>/living-situation/new/",
        views_services.cls_new,
        name="cls_new",
    ),
    path("enrollments/<int:pk>/move-in/", views_services.move_in_edit, name="move_in"),
]
