from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "vandong.core"
    label = "core"
    verbose_name = "Core"
