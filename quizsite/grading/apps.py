from django.apps import AppConfig


class GradingConfig(AppConfig):
    name = "quizsite.grading"
    label = "grading"
    verbose_name = "Grading"

    def ready(self) -> None:
        # Registers the tasks, which ``queues.enqueue`` sends by name.
        from quizsite.grading import tasks  # noqa: F401
