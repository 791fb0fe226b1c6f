"""The shape of the models-and-teams pages' input."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vandong.geo.models import Level
from vandong.registries.common.pages import unit_field
from vandong.registries.models import ModelKind
from vandong.registries.teams.services import ModelTeamIn


class ModelTeamForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ModelKind.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    count = forms.IntegerField(
        label=_("Count"),
        min_value=1,
        initial=1,
        help_text=_("How many like models the record stands for (e.g. households)."),
    )
    recognized_year = forms.IntegerField(label=_("Year recognised"))
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    stopped_year = forms.IntegerField(label=_("Year it stopped"), required=False)
    note = forms.CharField(
        label=_("Note"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {
            "unit": unit_field(
                actor, [Level.COMMUNE, Level.VILLAGE], str(_("Commune or village"))
            ),
            **self.fields,
        }

    def to_data(self) -> ModelTeamIn:
        d = self.cleaned_data
        return ModelTeamIn(
            unit=d["unit"],
            kind=d["kind"],
            name=d["name"],
            count=int(d["count"]),
            recognized_year=int(d["recognized_year"]),
            active=bool(d.get("active")),
            stopped_year=d.get("stopped_year"),
            note=d.get("note") or "",
        )
