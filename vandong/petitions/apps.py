from django.apps import AppConfig


class PetitionsConfig(AppConfig):
    name = "vandong.petitions"
    label = "petitions"
    verbose_name = "Petitions and supervision"
