from django.urls import path

from sunflower.audit import views

app_name = "audit"
urlpatterns = [path("", views.search, name="search")]
