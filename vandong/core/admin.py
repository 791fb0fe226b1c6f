from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from vandong.core.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    """The audit trail, read-only: services write it, nobody edits it."""

    list_display = ("at", "actor", "channel", "action", "entity", "entity_id", "note")
    list_filter = ("channel", "action", "entity")
    list_select_related = ("actor",)
    search_fields = ("entity", "entity_id", "actor__username", "note")
    date_hierarchy = "at"
    readonly_fields = (
        "at",
        "actor",
        "channel",
        "action",
        "entity",
        "entity_id",
        "old",
        "new",
        "note",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
