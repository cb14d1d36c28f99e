"""The site's URLs plus one view that fails, for the error page tests."""

from django.urls import include, path


def boom(request):
    raise RuntimeError("PdfminerException: the internals a student must never read")


urlpatterns = [path("boom/", boom), path("", include("quizsite.urls"))]
