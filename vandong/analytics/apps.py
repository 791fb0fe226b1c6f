from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "vandong.analytics"
    label = "analytics"
    verbose_name = "Analytics"

    def ready(self) -> None:
        # Keep the analytics store in step with the values (see refresh.py).
        from django.db.models.signals import post_delete, post_save

        from vandong.analytics import refresh  # noqa: F401
        from vandong.analytics.models import Indicator

        def forget(**kwargs: object) -> None:
            from vandong.analytics.queries import forget

            forget()

        from vandong.catalog.models import DataElement

        for model in (Indicator, DataElement):
            post_save.connect(forget, sender=model, weak=False)
            post_delete.connect(forget, sender=model, weak=False)
