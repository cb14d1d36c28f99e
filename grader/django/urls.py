from django.urls import path

from grader.django import views

app_name = "grading"
urlpatterns = [path("queue/", views.queue, name="queue")]
