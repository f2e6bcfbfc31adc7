from django.urls import path

from sunflower.hmis import views, views_search

urlpatterns = [
    path("clients/", views_search.client_search, name="clients"),
    path("clients/search/", views_search.client_search_results, name="client_search_results"),
    path("clients/<int:pk>/", views.client_detail, name="client_detail"),
    path("enrollments/<int:pk>/", views.enrollment_detail, name="enrollment_detail"),
]
