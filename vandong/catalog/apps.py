from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "vandong.catalog"
    label = "catalog"
    verbose_name = "Catalog"

    def ready(self) -> None:
        # Criteria-set definitions mark their set changed when edited.
        from vandong.catalog.criteria import signals  # noqa: F401
