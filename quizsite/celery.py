"""The Celery application. Workers, the scheduler and the web process share it."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quizsite.settings")

app = Celery("quizsite")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["quizsite.grading", "quizsite.quizzes", "quizsite.reports"])
