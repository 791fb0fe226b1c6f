"""The shape of the conference pages' input."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vandong.geo.models import Level
from vandong.registries.common.pages import unit_field
from vandong.registries.conferences.services import CommitmentIn, ConferenceIn
from vandong.registries.models import ChairRole, CommitmentStatus

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ConferenceForm(forms.Form):
    held_on = forms.DateField(label=_("Date held"), widget=DATE)
    chair_role = forms.ChoiceField(label=_("Chaired by"), choices=ChairRole.choices)
    chair_name = forms.CharField(label=_("Chair's name"), max_length=120)
    chair_title = forms.CharField(label=_("Chair's title"), max_length=200)
    participants_count = forms.IntegerField(label=_("Participants"), min_value=1)
    participants = forms.CharField(
        label=_("Who took part"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    issues = forms.CharField(
        label=_("Issues raised"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {
            "unit": unit_field(
                actor,
                [Level.PROVINCE, Level.DISTRICT, Level.COMMUNE, Level.VILLAGE],
                str(_("Unit")),
            ),
            **self.fields,
        }

    def to_data(self) -> ConferenceIn:
        d = self.cleaned_data
        return ConferenceIn(
            unit=d["unit"],
            held_on=d["held_on"],
            chair_role=d["chair_role"],
            chair_name=d["chair_name"],
            chair_title=d["chair_title"],
            participants_count=int(d["participants_count"]),
            participants=d.get("participants") or "",
            issues=d.get("issues") or "",
            note=d.get("note") or "",
        )


class CommitmentForm(forms.Form):
    text = forms.CharField(
        label=_("Commitment"), widget=forms.Textarea(attrs={"rows": 2})
    )
    responsible = forms.CharField(
        label=_("Responsible"), max_length=200, required=False
    )
    due_on = forms.DateField(label=_("Due date"), required=False, widget=DATE)
    status = forms.ChoiceField(
        label=_("Follow-up"),
        choices=CommitmentStatus.choices,
        initial=CommitmentStatus.PENDING,
    )
    status_note = forms.CharField(
        label=_("Follow-up note"), max_length=500, required=False
    )

    def to_data(self) -> CommitmentIn:
        d = self.cleaned_data
        return CommitmentIn(
            text=d["text"],
            responsible=d.get("responsible") or "",
            due_on=d.get("due_on"),
            status=d["status"],
            status_note=d.get("status_note") or "",
        )
