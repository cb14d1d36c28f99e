from django.urls import path

from quizsite.lti import views

app_name = "lti"
urlpatterns = [
    path("jwks/", views.jwks, name="jwks"),
    path("login/", views.oidc_login, name="login"),
    path("launch/", views.launch_view, name="launch"),
    path("deep-link/", views.deep_link, name="deep_link"),
    path("register/", views.registration_link, name="registration_link"),
    path("register/<str:token>/", views.register, name="register"),
    path("courses/<slug:course_code>/", views.course_page, name="course"),
]
