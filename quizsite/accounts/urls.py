from django.urls import path

from quizsite.accounts import views

app_name = "accounts"
urlpatterns = [
    path("courses/<slug:course_code>/roster/", views.roster, name="roster"),
]
