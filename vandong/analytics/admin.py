"""Admin: indicators (their expressions checked) and targets; every change audited."""

from typing import Any

from django import forms
from django.contrib import admin
from django.forms.models import model_to_dict
from django.http import HttpRequest

from vandong.analytics.loader import check_indicator
from vandong.analytics.models import Indicator, Target
from vandong.core.audit import audit_record
from vandong.core.models import AuditEntry, Channel


class IndicatorForm(forms.ModelForm[Indicator]):
    class Meta:
        model = Indicator
        fields = (
            "code",
            "name_vi",
            "name_en",
            "description",
            "group",
            "numerator",
            "denominator",
            "factor",
            "measure_vi",
            "measure_en",
            "decimals",
            "min_level",
            "order",
            "is_active",
            "source",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        item = {
            key: data.get(key)
            for key in ("code", "name_vi", "name_en", "numerator", "denominator")
            if data.get(key) not in (None, "")
        }
        for field, vi, en in check_indicator(item):
            target = field if field in self.fields else None
            self.add_error(target, f"{vi} / {en}")
        return data


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {
        k: v if isinstance(v, int | float | str | bool) or v is None else str(v)
        for k, v in values.items()
    }


class _AuditedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    entity = ""

    def save_model(
        self, request: HttpRequest, obj: Any, form: Any, change: bool
    ) -> None:
        old = (
            _plain(model_to_dict(type(obj).objects.get(pk=obj.pk))) if change else None
        )
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            channel=Channel.WEB,
            action=AuditEntry.Action.UPDATE if change else AuditEntry.Action.CREATE,
            entity=self.entity,
            entity_id=obj.pk,
            old=old,
            new=_plain(model_to_dict(obj)),
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit_record(
            actor=request.user,
            channel=Channel.WEB,
            action=AuditEntry.Action.DELETE,
            entity=self.entity,
            entity_id=obj.pk,
            old=_plain(model_to_dict(obj)),
        )
        super().delete_model(request, obj)


@admin.register(Indicator)
class IndicatorAdmin(_AuditedAdmin):
    entity = "indicator"
    form = IndicatorForm
    list_display = (
        "code",
        "name_vi",
        "numerator",
        "denominator",
        "factor",
        "group",
        "is_active",
    )
    list_filter = ("group", "is_active")
    search_fields = ("code", "name_vi", "name_en")


@admin.register(Target)
class TargetAdmin(_AuditedAdmin):
    entity = "target"
    list_display = (
        "code",
        "name_vi",
        "indicator",
        "scope",
        "comparator",
        "value",
        "deadline_year",
        "is_active",
    )
    list_filter = ("deadline_year", "is_active")
    search_fields = ("code", "name_vi")
    raw_id_fields = ("scope",)
