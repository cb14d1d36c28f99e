from django.apps import AppConfig


class LtiConfig(AppConfig):
    name = "quizsite.lti"
    label = "lti"
    verbose_name = "LTI 1.3 (LMS integration)"

    def ready(self) -> None:
        from quizsite.lti import receivers  # noqa: F401 - connects the receivers
