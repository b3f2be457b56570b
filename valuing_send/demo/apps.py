from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "valuing_send.demo"
    label = "demo"
    verbose_name = "Demo authority"
