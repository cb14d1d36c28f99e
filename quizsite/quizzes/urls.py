from django.urls import path

from quizsite.quizzes import (
    attempt_views,
    feedback_views,
    grading_views,
    image_views,
    integrity_views,
    staff_views,
    views,
)

app_name = "quizzes"
urlpatterns = [
    path("courses/<slug:course_code>/quizzes/", views.course, name="course"),
    path("courses/<slug:course_code>/quizzes/<int:quiz_id>/", views.start, name="start"),
    path("courses/<slug:course_code>/quizzes/new/", staff_views.edit_quiz, name="new_quiz"),
    path(
        "courses/<slug:course_code>/quizzes/<int:quiz_id>/edit/",
        staff_views.edit_quiz,
        name="edit_quiz",
    ),
    path(
        "courses/<slug:course_code>/quizzes/<int:quiz_id>/overrides/",
        staff_views.overrides,
        name="overrides",
    ),
    path(
        "courses/<slug:course_code>/quizzes/<int:quiz_id>/overrides/<int:override_id>/delete/",
        staff_views.delete_override,
        name="delete_override",
    ),
    path(
        "courses/<slug:course_code>/quizzes/<int:quiz_id>/release/",
        staff_views.release,
        name="release",
    ),
    path(
        "courses/<slug:course_code>/quizzes/<int:quiz_id>/attempts/",
        grading_views.staff_quiz,
        name="staff_quiz",
    ),
    path(
        "courses/<slug:course_code>/quizzes/<int:quiz_id>/grades.csv",
        grading_views.staff_quiz_grades,
        name="staff_quiz_grades",
    ),
    path(
        "courses/<slug:course_code>/quizzes/<int:quiz_id>/statistics/",
        staff_views.quiz_statistics,
        name="statistics",
    ),
    path(
        "courses/<slug:course_code>/quizzes/<int:quiz_id>/statistics/questions/<int:question_id>/regrade/",
        staff_views.regrade_question,
        name="regrade_question",
    ),
    path(
        "courses/<slug:course_code>/quizzes/<int:quiz_id>/feedback/",
        feedback_views.question_feedback,
        name="question_feedback",
    ),
    path(
        "courses/<slug:course_code>/quizzes/<int:quiz_id>/similarity/",
        integrity_views.similarity_page,
        name="similarity",
    ),
    path(
        "courses/<slug:course_code>/quizzes/<int:quiz_id>/similarity/<int:run_id>/status/",
        integrity_views.similarity_status,
        name="similarity_status",
    ),
    path(
        "courses/<slug:course_code>/quizzes/<int:quiz_id>/similarity/<int:run_id>/pairs/<int:rank>/",
        integrity_views.similarity_pair,
        name="similarity_pair",
    ),
    path("quiz-attempts/<int:attempt_id>/", views.attempt, name="attempt"),
    path(
        "quiz-attempts/<int:attempt_id>/activity/",
        integrity_views.activity_report,
        name="activity",
    ),
    path(
        "quiz-attempts/<int:attempt_id>/activity/timeline/",
        integrity_views.attempt_activity,
        name="attempt_activity",
    ),
    path(
        "quiz-attempts/<int:attempt_id>/devices/<int:session_id>/allow/",
        integrity_views.allow_device,
        name="allow_device",
    ),
    path(
        "question-images/<int:version_id>/<str:name>",
        image_views.question_image,
        name="question_image",
    ),
    path("quiz-attempts/<int:attempt_id>/autosave/", attempt_views.autosave, name="autosave"),
    path("quiz-attempts/<int:attempt_id>/submit/", attempt_views.submit, name="submit"),
    path("quiz-attempts/<int:attempt_id>/flag/", attempt_views.flag, name="flag"),
    path("quiz-attempts/<int:attempt_id>/time-left/", attempt_views.time_left, name="time_left"),
    path(
        "quiz-attempts/<int:attempt_id>/questions/<int:position>/run/",
        attempt_views.run_tests,
        name="run_tests",
    ),
    path(
        "quiz-attempts/<int:attempt_id>/questions/<int:position>/check/",
        attempt_views.check,
        name="check",
    ),
    path("quiz-attempts/<int:attempt_id>/results/", views.results, name="results"),
    path(
        "quiz-attempts/<int:attempt_id>/results/progress/",
        views.results_progress,
        name="results_progress",
    ),
    path(
        "quiz-attempts/<int:attempt_id>/questions/<int:position>/points/",
        grading_views.set_points,
        name="set_points",
    ),
    path(
        "quiz-attempts/<int:attempt_id>/questions/<int:position>/regrade/",
        grading_views.regrade,
        name="regrade",
    ),
    path(
        "quiz-submissions/<int:submission_id>/status/",
        attempt_views.submission_status,
        name="submission_status",
    ),
]
