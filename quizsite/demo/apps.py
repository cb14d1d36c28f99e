from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "quizsite.demo"
    label = "demo"
