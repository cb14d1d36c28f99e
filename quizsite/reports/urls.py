from django.urls import path

from quizsite.reports import views

app_name = "reports"
urlpatterns = [
    path("courses/<slug:course_code>/milestones/", views.course, name="course"),
    path("courses/<slug:course_code>/milestones/new/", views.edit, name="new"),
    path("courses/<slug:course_code>/milestones/<int:pk>/", views.detail, name="detail"),
    path("courses/<slug:course_code>/milestones/<int:pk>/edit/", views.edit, name="edit"),
    path("courses/<slug:course_code>/milestones/<int:pk>/upload/", views.upload, name="upload"),
    path(
        "courses/<slug:course_code>/milestones/<int:pk>/uploads/<uuid:token>/",
        views.pending,
        name="pending",
    ),
    path(
        "courses/<slug:course_code>/milestones/<int:pk>/submissions/",
        views.submissions,
        name="submissions",
    ),
    path(
        "courses/<slug:course_code>/milestones/<int:pk>/submissions.zip",
        views.download_all,
        name="download_all",
    ),
    path(
        "courses/<slug:course_code>/milestones/<int:pk>/grades.csv",
        views.grades_csv,
        name="grades_csv",
    ),
    path(
        "courses/<slug:course_code>/milestones/<int:pk>/grade/<str:kind>/<int:owner_pk>/",
        views.grade,
        name="grade",
    ),
    path("courses/<slug:course_code>/milestones/<int:pk>/release/", views.release, name="release"),
    path("courses/<slug:course_code>/teams/", views.teams, name="teams"),
    path("reports/<int:pk>/download/", views.download, name="download"),
]
