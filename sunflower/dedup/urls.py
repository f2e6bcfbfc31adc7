from django.urls import path

from sunflower.dedup import views

app_name = "dedup"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/merge/", views.merge, name="merge"),
    path("<int:pk>/not-duplicate/", views.not_duplicate, name="not_duplicate"),
    path("merges/<int:pk>/", views.merge_detail, name="merge_detail"),
    path("merges/<int:pk>/undo/", views.undo, name="undo"),
    path("batch/", views.start_batch, name="start_batch"),
]
