"""Admin for units and succession edges: the system administrator's tool for
corrections. Name keys and paths are derived, shown read-only, and kept in
step on save."""

import datetime
from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vandong.core.text import fold
from vandong.geo.models import LEGACY_END, REFORM_DATE, Succession, Unit
from vandong.geo.tree import path_for


def _valid_on(day: datetime.date) -> Q:
    return Q(Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & Q(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )


class ValidityFilter(admin.SimpleListFilter):
    title = _("validity")
    parameter_name = "validity"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, Any]]:
        return [
            ("legacy", _("Legacy tree only (ended by 30/06/2025)")),
            ("current", _("Current tree only (from 01/07/2025)")),
            ("both", _("Both trees (one row)")),
            ("today", _("Valid today")),
            ("ended", _("No longer valid")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value == "legacy":
            return queryset.filter(_valid_on(LEGACY_END)).exclude(
                _valid_on(REFORM_DATE)
            )
        if value == "current":
            return queryset.filter(_valid_on(REFORM_DATE)).exclude(
                _valid_on(LEGACY_END)
            )
        if value == "both":
            return queryset.filter(_valid_on(LEGACY_END)).filter(_valid_on(REFORM_DATE))
        if value == "today":
            return queryset.filter(_valid_on(timezone.localdate()))
        if value == "ended":
            return queryset.filter(valid_to__lt=timezone.localdate())
        return queryset


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin[Unit]):
    list_display = (
        "code",
        "name",
        "type",
        "level",
        "parent",
        "valid_from",
        "valid_to",
        "region",
        "is_sample",
    )
    list_filter = ("level", "type", "region", ValidityFilter, "area_class", "is_sample")
    search_fields = ("name", "code", "name_key")
    readonly_fields = ("path", "name_key")
    list_select_related = ("parent",)
    raw_id_fields = ("parent",)
    list_per_page = 100

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Unit], search_term: str
    ) -> tuple[QuerySet[Unit], bool]:
        """Also match the folded name, so "muong te" finds "Mường Tè"."""
        results, may_have_duplicates = super().get_search_results(
            request, queryset, search_term
        )
        if key := fold(search_term):
            results |= queryset.filter(name_key__contains=key)
        return results, may_have_duplicates

    @transaction.atomic
    def save_model(
        self, request: HttpRequest, obj: Unit, form: Any, change: bool
    ) -> None:
        obj.name_key = fold(obj.name)
        old_path = obj.path
        obj.save()
        parent_path = obj.parent.path if obj.parent_id and obj.parent else None
        new_path = path_for(parent_path, obj.pk)
        if new_path == old_path:
            return
        obj.path = new_path
        obj.save(update_fields=["path"])
        if old_path:
            # The subtree moves with the unit.
            moved = list(
                Unit.objects.filter(path__startswith=old_path).exclude(pk=obj.pk)
            )
            for unit in moved:
                unit.path = new_path + unit.path.removeprefix(old_path)
            Unit.objects.bulk_update(moved, ["path"], batch_size=500)


@admin.register(Succession)
class SuccessionAdmin(admin.ModelAdmin[Succession]):
    list_display = (
        "predecessor",
        "successor",
        "kind",
        "effective_date",
        "area_share",
        "is_primary",
    )
    list_filter = ("kind", "effective_date", "is_primary")
    search_fields = (
        "predecessor__name",
        "predecessor__code",
        "successor__name",
        "successor__code",
    )
    list_select_related = ("predecessor", "successor")
    raw_id_fields = ("predecessor", "successor")
    list_per_page = 100
