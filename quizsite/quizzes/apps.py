from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "quizsite.quizzes"
    label = "quizzes"

    def ready(self) -> None:
        from quizsite.quizzes import receivers  # noqa: F401 - connects the receivers
