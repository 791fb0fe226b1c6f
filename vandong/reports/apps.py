from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "vandong.reports"
    label = "reports"
    verbose_name = "Reports"
