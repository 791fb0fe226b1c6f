from django.apps import AppConfig


class CriteriaConfig(AppConfig):
    name = "vandong.criteria"
    label = "criteria"
    verbose_name = "Criteria evaluation"

    def ready(self) -> None:
        # Re-evaluate the units whose values change (see refresh.py).
        from vandong.criteria import refresh  # noqa: F401
