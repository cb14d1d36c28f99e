from django.apps import AppConfig


class BankPagesConfig(AppConfig):
    name = "quizsite.bankpages"
    verbose_name = "Question bank pages"
