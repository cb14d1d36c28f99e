from django.urls import path

from quizsite.grading import views

app_name = "grading"
urlpatterns = [path("queue/", views.queue, name="queue")]
