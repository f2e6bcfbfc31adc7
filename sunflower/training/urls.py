from django.urls import path

from . import views, views_practice

app_name = "training"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("completion/", views.completion, name="completion"),
    path("practice/", views_practice.status, name="practice"),
    path("practice/start/", views_practice.start, name="practice_start"),
    path("practice/check/", views_practice.check, name="practice_check"),
    path("practice/enter/<str:token>/", views_practice.enter, name="practice_enter"),
    path("<slug:slug>/", views.course, name="course"),
    path("<slug:slug>/lessons/<int:pk>/", views.lesson, name="lesson"),
    path("<slug:slug>/quiz/", views.quiz, name="quiz"),
]
