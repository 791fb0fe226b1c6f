"""Admin for the catalog: periods, data elements, data sets (with their
elements inline, in form order) and validation rules. The shipped items come
from vandong/catalog/fixtures/*.yaml: `vandong catalog load` restores them, so
lasting changes to a shipped item go into its YAML file."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from vandong.catalog.expressions import ExpressionError, parse_expression
from vandong.catalog.models import (
    DataElement,
    DataSet,
    DataSetElement,
    Period,
    ValidationRule,
)


class ComputedFilter(admin.SimpleListFilter):
    title = _("computed")
    parameter_name = "computed"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, Any]]:
        return [
            ("yes", _("Computed from numerator and denominator")),
            ("no", _("Entered in a form")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(numerator__isnull=False, denominator__isnull=False)
        if self.value() == "no":
            return queryset.exclude(numerator__isnull=False, denominator__isnull=False)
        return queryset


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin[Period]):
    list_display = ("code", "kind", "start", "end")
    list_filter = ("kind",)
    search_fields = ("code",)
    list_per_page = 100


@admin.register(DataElement)
class DataElementAdmin(admin.ModelAdmin[DataElement]):
    list_display = (
        "code",
        "name_vi",
        "level",
        "value_type",
        "measure",
        "tree_aggregation",
        "time_aggregation",
        "numerator",
        "denominator",
        "is_active",
    )
    list_filter = (
        "level",
        "value_type",
        "tree_aggregation",
        "time_aggregation",
        ComputedFilter,
        "is_active",
    )
    search_fields = ("code", "name_vi", "name_en", "short_name_vi", "source_note")
    list_select_related = ("numerator", "denominator")
    autocomplete_fields = ("numerator", "denominator")
    readonly_fields = ("created_at", "updated_at")
    list_per_page = 100
    fieldsets = (
        (None, {"fields": ("code", "name_vi", "name_en", "short_name_vi")}),
        (
            _("Value"),
            {
                "fields": (
                    "value_type",
                    "measure",
                    "level",
                    ("min_value", "max_value"),
                    "is_active",
                )
            },
        ),
        (
            _("Aggregation"),
            {
                "fields": (
                    "tree_aggregation",
                    "time_aggregation",
                    ("numerator", "denominator"),
                )
            },
        ),
        (
            _("Source and exchange"),
            {
                "fields": (
                    "source_note",
                    "description",
                    "dhis2_uid",
                    ("created_at", "updated_at"),
                )
            },
        ),
    )


class DataSetElementInline(admin.TabularInline[DataSetElement, DataSet]):
    model = DataSetElement
    fields = ("order", "data_element", "section_vi", "section_en", "is_required")
    autocomplete_fields = ("data_element",)
    ordering = ("order", "id")
    extra = 0


@admin.register(DataSet)
class DataSetAdmin(admin.ModelAdmin[DataSet]):
    list_display = ("code", "name_vi", "level", "period_kind", "version", "is_active")
    list_filter = ("level", "period_kind", "is_active")
    search_fields = ("code", "name_vi", "name_en")
    readonly_fields = ("created_at", "updated_at")
    inlines = (DataSetElementInline,)


class ValidationRuleForm(forms.ModelForm[ValidationRule]):
    """Refuses a side that does not parse or names an unknown element."""

    class Meta:
        model = ValidationRule
        fields = (
            "code",
            "name_vi",
            "name_en",
            "left",
            "operator",
            "right",
            "severity",
            "level",
            "missing_as_zero",
            "is_active",
        )

    def _side(self, name: str) -> str:
        text = str(self.cleaned_data.get(name, "")).strip()
        try:
            expression = parse_expression(text)
        except ExpressionError as exc:
            raise forms.ValidationError(f"{exc.message_vi} / {exc.message_en}") from exc
        known = set(
            DataElement.objects.filter(code__in=expression.codes).values_list(
                "code", flat=True
            )
        )
        unknown = [c for c in expression.codes if c not in known]
        if unknown:
            codes = ", ".join(unknown)
            raise forms.ValidationError(
                f"Mã chỉ tiêu không có / unknown data element codes: {codes}"
            )
        return text

    def clean_left(self) -> str:
        return self._side("left")

    def clean_right(self) -> str:
        return self._side("right")


@admin.register(ValidationRule)
class ValidationRuleAdmin(admin.ModelAdmin[ValidationRule]):
    form = ValidationRuleForm
    list_display = (
        "code",
        "name_vi",
        "left",
        "operator",
        "right",
        "severity",
        "level",
        "is_active",
    )
    list_filter = ("level", "severity", "operator", "missing_as_zero", "is_active")
    search_fields = ("code", "name_vi", "name_en", "left", "right")
    readonly_fields = ("created_at", "updated_at")


# Criteria sets register their own admin.
import vandong.catalog.criteria.admin  # noqa: E402, F401
