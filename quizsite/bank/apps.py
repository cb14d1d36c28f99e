from django.apps import AppConfig


class QuestionsConfig(AppConfig):
    name = "quizsite.bank"
    # The label keeps the tables, migrations and permissions of the app's first home.
    label = "questions"
    verbose_name = "Question banks"
