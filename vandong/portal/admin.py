from django.contrib import admin
from django.http import HttpRequest

from vandong.portal.models import Publication


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin[Publication]):
    """Read only: publishing checks approvals and is audited, so it goes
    through the portal's own page (/cong-khai/cong-bo/)."""

    list_display = ("province", "year", "published_at", "published_by", "note")
    list_filter = ("year",)
    ordering = ("province__name_key", "-year")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: Publication | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: Publication | None = None
    ) -> bool:
        return False
