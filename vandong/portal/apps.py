from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "vandong.portal"
    label = "portal"
    verbose_name = "Public portal"

    def ready(self) -> None:
        # What the portal shows follows approvals, values and publications
        # (state.py drops its cached answers when they change).
        from vandong.portal import state

        state.connect()
