from django.urls import path  # noqa: F401  (filled by the case-management pages)

urlpatterns: list = []
