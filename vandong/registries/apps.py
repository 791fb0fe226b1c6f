from django.apps import AppConfig


class RegistriesConfig(AppConfig):
    name = "vandong.registries"
    label = "registries"
    verbose_name = "Registries"
