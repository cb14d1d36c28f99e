from django.apps import AppConfig


class GradingConfig(AppConfig):
    name = "quizsite.grading"
    label = "grading"
    verbose_name = "Grading"
