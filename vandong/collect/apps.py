from django.apps import AppConfig


class CollectConfig(AppConfig):
    name = "vandong.collect"
    label = "collect"
    verbose_name = "Data collection"
