from django.urls import path

from sunflower.hmis import views

urlpatterns = [path("clients/<int:pk>/", views.client_detail, name="client_detail")]
