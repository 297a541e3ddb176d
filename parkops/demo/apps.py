from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "parkops.demo"
    label = "demo"
    verbose_name = "demo data"
