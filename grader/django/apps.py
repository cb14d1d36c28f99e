from django.apps import AppConfig


class GradingConfig(AppConfig):
    name = "grader.django"
    label = "grading"
    verbose_name = "Grading"
