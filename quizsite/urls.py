from django.contrib import admin
from django.urls import include, path

from quizsite.accounts import views as account_views

urlpatterns = [
    path("", account_views.home, name="home"),
    # Throttled versions of two of Django's pages, ahead of the rest of them.
    path("accounts/login/", account_views.LoginView.as_view(), name="login"),
    path(
        "accounts/password_reset/",
        account_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("", include("quizsite.accounts.urls")),
    path("", include("quizsite.quizzes.urls")),
    path("", include("quizsite.reports.urls")),
    path("bank/", include("quizsite.bankpages.urls")),
    path("grading/", include("quizsite.grading.urls")),
    path("lti/", include("quizsite.lti.urls")),
]
