from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("completion/", views.completion, name="completion"),
    path("<slug:slug>/", views.course, name="course"),
    path("<slug:slug>/lessons/<int:pk>/", views.lesson, name="lesson"),
    path("<slug:slug>/quiz/", views.quiz, name="quiz"),
]
