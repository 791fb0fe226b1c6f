"""Admin: recognition records (audited) and stored evaluations (read only)."""

from typing import Any

from django.contrib import admin
from django.forms.models import model_to_dict
from django.http import HttpRequest

from vandong.core.audit import audit_record
from vandong.core.models import AuditEntry, Channel
from vandong.criteria.models import Evaluation, Recognition


@admin.register(Recognition)
class RecognitionAdmin(admin.ModelAdmin[Recognition]):
    list_display = (
        "decision_number",
        "decision_date",
        "unit",
        "kind",
        "year",
        "authority",
        "revoked_on",
        "is_sample",
    )
    list_filter = ("kind", "year", "is_sample")
    search_fields = ("decision_number", "unit__name", "unit__code", "title_vi")
    raw_id_fields = ("unit",)
    readonly_fields = ("created_by", "created_at", "updated_at")

    def save_model(
        self, request: HttpRequest, obj: Recognition, form: Any, change: bool
    ) -> None:
        old = (
            _plain(model_to_dict(Recognition.objects.get(pk=obj.pk)))
            if change
            else None
        )
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            channel=Channel.WEB,
            action=AuditEntry.Action.UPDATE if change else AuditEntry.Action.CREATE,
            entity="recognition",
            entity_id=obj.pk,
            old=old,
            new=_plain(model_to_dict(obj)),
        )

    def delete_model(self, request: HttpRequest, obj: Recognition) -> None:
        audit_record(
            actor=request.user,
            channel=Channel.WEB,
            action=AuditEntry.Action.DELETE,
            entity="recognition",
            entity_id=obj.pk,
            old=_plain(model_to_dict(obj)),
        )
        super().delete_model(request, obj)


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    return {
        k: v if isinstance(v, int | str | bool | None) else str(v)
        for k, v in data.items()
    }


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin[Evaluation]):
    list_display = (
        "criteria_set",
        "unit",
        "year",
        "status",
        "criteria_met",
        "criteria_total",
        "unverified",
    )
    list_filter = ("criteria_set", "year", "status", "unverified")
    search_fields = ("unit__code", "unit__name")
    raw_id_fields = ("unit",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
