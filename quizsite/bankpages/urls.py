from django.urls import path

from quizsite.bankpages import views

app_name = "questions"
urlpatterns = [
    path("", views.index, name="index"),
    path("<str:bank>/<path:path>/", views.preview, name="preview"),
]
