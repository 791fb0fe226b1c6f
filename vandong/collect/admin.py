"""Admin for data collection: values, their audit trail, import batches and
approvals are shown read-only (they change only through the collect services,
which check scope and locks and write the audit); identifier mappings for
DHIS2 exchange are edited here."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from vandong.collect.models import (
    Approval,
    DataValue,
    DataValueAudit,
    ExternalMapping,
    ImportBatch,
)


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(DataValue)
class DataValueAdmin(ReadOnlyAdmin):
    list_display = [
        "data_element",
        "unit",
        "period",
        "value",
        "text_value",
        "updated_at",
        "updated_by",
        "channel",
    ]
    list_select_related = ["data_element", "unit", "period", "updated_by"]
    list_filter = ["channel", "period"]
    search_fields = ["data_element__code", "unit__code"]
    raw_id_fields = ["data_element", "unit", "period", "updated_by"]
    show_full_result_count = False


@admin.register(DataValueAudit)
class DataValueAuditAdmin(ReadOnlyAdmin):
    list_display = [
        "at",
        "action",
        "data_element",
        "unit",
        "period",
        "old_value",
        "new_value",
        "actor",
        "channel",
        "batch_id",
    ]
    list_select_related = ["data_element", "unit", "period", "actor"]
    list_filter = ["action", "channel"]
    search_fields = ["data_element__code", "unit__code"]
    raw_id_fields = ["data_element", "unit", "period", "actor", "batch"]
    show_full_result_count = False


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "created_at",
        "actor",
        "channel",
        "format",
        "filename",
        "status",
        "total",
        "created",
        "updated",
        "unchanged",
        "deleted",
    ]
    list_select_related = ["actor"]
    list_filter = ["status", "channel", "format"]


@admin.register(Approval)
class ApprovalAdmin(ReadOnlyAdmin):
    list_display = ["data_set", "unit", "period", "state", "updated_at", "updated_by"]
    list_select_related = ["data_set", "unit", "period", "updated_by"]
    list_filter = ["state", "period"]
    search_fields = ["unit__code", "data_set__code"]


@admin.register(ExternalMapping)
class ExternalMappingAdmin(admin.ModelAdmin[ExternalMapping]):
    list_display = [
        "system",
        "kind",
        "external_id",
        "category_option_combo",
        "attribute_option_combo",
        "local_code",
    ]
    list_filter = ["system", "kind"]
    search_fields = ["external_id", "local_code"]
