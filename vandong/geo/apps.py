from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "vandong.geo"
    label = "geo"
    verbose_name = "Administrative units"
