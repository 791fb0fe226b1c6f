from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "vandong.analytics"
    label = "analytics"
    verbose_name = "Analytics"

    def ready(self) -> None:
        # Keep the analytics store in step with the values (see refresh.py).
        from vandong.analytics import refresh  # noqa: F401
