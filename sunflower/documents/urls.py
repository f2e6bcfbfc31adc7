from django.urls import path

from sunflower.documents import views

urlpatterns = [
    path("clients/<int:client_pk>/documents/new/", views.attach, name="document_attach"),
    path("documents/<int:pk>/", views.download, name="document_download"),
    path("documents/<int:pk>/remove/", views.remove, name="document_remove"),
]
