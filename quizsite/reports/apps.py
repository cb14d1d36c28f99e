from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "quizsite.reports"
    label = "reports"
