"""The shape of the OCOP pages' input; the services judge the meaning."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vandong.geo.models import Level
from vandong.registries.common.pages import unit_field
from vandong.registries.models import ProducerKind, ProductGroup, Stars
from vandong.registries.ocop.services import ProductIn, RatingIn

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProductForm(forms.Form):
    name = forms.CharField(label=_("Product"), max_length=200)
    group = forms.ChoiceField(label=_("Product group"), choices=ProductGroup.choices)
    producer_name = forms.CharField(label=_("Producer"), max_length=200)
    producer_kind = forms.ChoiceField(
        label=_("Kind of producer"), choices=ProducerKind.choices
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {
            "unit": unit_field(actor, [Level.COMMUNE], str(_("Commune"))),
            **self.fields,
        }

    def to_data(self) -> ProductIn:
        d = self.cleaned_data
        return ProductIn(
            unit=d["unit"],
            name=d["name"],
            group=d["group"],
            producer_name=d["producer_name"],
            producer_kind=d["producer_kind"],
            note=d.get("note") or "",
        )


class RatingForm(forms.Form):
    stars = forms.TypedChoiceField(label=_("Stars"), choices=Stars.choices, coerce=int)
    score = forms.IntegerField(
        label=_("Score (0-100)"), min_value=0, max_value=100, required=False
    )
    decision_number = forms.CharField(label=_("Decision number"), max_length=60)
    decision_date = forms.DateField(label=_("Decision date"), widget=DATE)
    recognising_body = forms.CharField(
        label=_("Recognising body"),
        max_length=200,
        required=False,
        help_text=_("Empty: the body the rules name for these stars."),
    )

    def to_data(self) -> RatingIn:
        d = self.cleaned_data
        return RatingIn(
            stars=int(d["stars"]),
            score=d.get("score"),
            decision_number=d["decision_number"],
            decision_date=d["decision_date"],
            recognising_body=d.get("recognising_body") or "",
        )
