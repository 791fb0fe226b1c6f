"""Input shape of the contribution pages: the record form, the list filter,
the import upload. Numbers are typed the Vietnamese way ("5.000.000", "12,5")."""

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vandong.accounts.permissions import Action
from vandong.accounts.queries import Actor, scope_q
from vandong.collect.numbers import NumberError, parse_number
from vandong.geo.models import Level, Unit
from vandong.registries.contributions.rules import ContributionIn
from vandong.registries.models import ContributorKind, Purpose

FIRST_YEAR = 2016


def unit_label(unit: Unit) -> str:
    indent = "— " if unit.level == Level.VILLAGE else ""
    until = f" (đến {unit.valid_to:%d/%m/%Y})" if unit.valid_to else ""
    return f"{indent}{unit.name} ({unit.code}){until}"


class UnitChoiceField(forms.ModelChoiceField[Unit]):
    def label_from_instance(self, obj: Unit) -> str:
        return unit_label(obj)


def recordable_units(actor: Actor) -> Any:
    """Communes and villages where the actor may record contributions, in
    tree order (a commune, then its villages)."""
    return (
        Unit.objects.filter(
            scope_q(actor=actor, action=Action.RECORD_REGISTRY),
            level__in=(Level.COMMUNE, Level.VILLAGE),
        )
        .select_related("parent")
        .order_by("path")
    )


class AmountField(forms.CharField):
    """A number as typed: "5.000.000", "12,5"; empty is 0."""

    def __init__(self, *, whole: bool, **kwargs: Any) -> None:
        self.whole = whole
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "class": "num"})
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        if not text:
            return None
        try:
            number = parse_number(text, whole=self.whole)
        except NumberError as error:
            raise forms.ValidationError(error.message_vi) from None
        return int(number) if self.whole else Decimal(str(round(number, 2)))


class ContributionForm(forms.Form):
    unit = UnitChoiceField(queryset=Unit.objects.none(), label=_("Commune or village"))
    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    kind = forms.ChoiceField(label=_("Contributor"), choices=ContributorKind.choices)
    contributor_name = forms.CharField(
        label=_("Contributor's name (optional, private)"),
        max_length=200,
        required=False,
    )
    cash_vnd = AmountField(whole=True, label=_("Cash (đồng)"))
    land_m2 = AmountField(whole=False, label=_("Land donated (m²)"))
    labour_days = AmountField(whole=False, label=_("Labour (days)"))
    materials_desc = forms.CharField(
        label=_("Materials (sand, gravel, stone…)"), max_length=200, required=False
    )
    materials_qty = AmountField(whole=False, label=_("Quantity"))
    materials_unit = forms.CharField(
        label=_("Unit of measure"), max_length=30, required=False
    )
    materials_vnd = AmountField(whole=True, label=_("Materials' value (đồng)"))
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices)
    project = forms.CharField(label=_("Project"), max_length=200, required=False)

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, UnitChoiceField)  # noqa: S101 - narrows the type
        field.queryset = recordable_units(actor)

    def to_input(self) -> ContributionIn:
        d = self.cleaned_data
        return ContributionIn(
            unit=d["unit"],
            date=d["date"],
            kind=d["kind"],
            purpose=d["purpose"],
            contributor_name=d["contributor_name"] or "",
            cash_vnd=d["cash_vnd"] or 0,
            land_m2=d["land_m2"] or Decimal(0),
            labour_days=d["labour_days"] or Decimal(0),
            materials_desc=d["materials_desc"] or "",
            materials_qty=d["materials_qty"],
            materials_unit=d["materials_unit"] or "",
            materials_vnd=d["materials_vnd"] or 0,
            project=d["project"] or "",
        )


def year_choices() -> list[tuple[str, str]]:
    this_year = timezone.localdate().year
    return [("", "—")] + [
        (str(y), str(y)) for y in range(this_year, FIRST_YEAR - 1, -1)
    ]


class ContributionFilterForm(forms.Form):
    unit = forms.ChoiceField(label=_("Unit"), required=False)
    year = forms.ChoiceField(label=_("Year"), required=False)
    kind = forms.ChoiceField(label=_("Contributor"), required=False)
    purpose = forms.ChoiceField(label=_("Purpose"), required=False)

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = (
            Unit.objects.filter(
                scope_q(actor=actor, action=Action.VIEW), level__lte=Level.COMMUNE
            )
            .order_by("path")
            .only("pk", "code", "name", "level", "valid_to")
        )
        self.fields["unit"].choices = [("", _("All in my scope"))] + [  # type: ignore[attr-defined]
            (str(u.pk), unit_label(u)) for u in units
        ]
        self.fields["year"].choices = year_choices()  # type: ignore[attr-defined]
        self.fields["kind"].choices = [("", "—"), *ContributorKind.choices]  # type: ignore[attr-defined]
        self.fields["purpose"].choices = [("", "—"), *Purpose.choices]  # type: ignore[attr-defined]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or Excel file"))


def default_date() -> datetime.date:
    return timezone.localdate()
