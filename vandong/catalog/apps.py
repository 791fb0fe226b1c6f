from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "vandong.catalog"
    label = "catalog"
    verbose_name = "Catalog"
