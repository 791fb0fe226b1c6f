"""Forms of the petitions pages: shape only; the services judge the rules."""

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vandong.geo.models import Unit
from vandong.petitions.models import (
    CarriedOut,
    Channel,
    Satisfaction,
    Status,
    Supervision,
    Topic,
)
from vandong.petitions.workflow import Step

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _today() -> datetime.date:
    return timezone.localdate()


class UnitChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Unit) -> str:
        indent = "\u00a0\u00a0" * max(0, obj.level - 1)
        return f"{indent}{obj.name} ({obj.code})"


def _unit_field(
    units: list[Unit], label: Any, empty: Any = "---------", required: bool = True
) -> UnitChoiceField:
    field = UnitChoiceField(
        queryset=Unit.objects.filter(pk__in=[u.pk for u in units]),
        label=label,
        required=required,
    )
    # Keep the tree order the caller chose.
    field.choices = [("", empty)] + [
        (u.pk, field.label_from_instance(u)) for u in units
    ]
    return field


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class PetitionForm(forms.Form):
    unit = forms.Field()  # replaced in __init__
    received_on = forms.DateField(label=_("Received on"), widget=DATE)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    topic = forms.ChoiceField(label=_("Topic"), choices=Topic.choices)
    text = forms.CharField(
        label=_("Petition"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10_000
    )
    contact_name = forms.CharField(
        label=_("Citizen's name"), required=False, max_length=120
    )
    contact_phone = forms.CharField(label=_("Phone"), required=False, max_length=30)
    contact_address = forms.CharField(
        label=_("Address"), required=False, max_length=250
    )
    attachments = MultipleFileField(
        label=_("Attachments (PDF, JPEG, PNG, DOCX; at most 5 files of 5 MB)"),
        required=False,
    )

    def __init__(self, *args: Any, units: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = _unit_field(units, _("Unit"))
        self.fields["received_on"].initial = _today()


class PetitionEditForm(PetitionForm):
    """Correct an open petition: its channel, topic, text and the citizen's
    contact (the unit, the day received and the files stay as recorded)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, units=[], **kwargs)
        for name in ("unit", "received_on", "attachments"):
            del self.fields[name]


class AssignForm(forms.Form):
    body = forms.CharField(label=_("Responsible body"), max_length=200)
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)
    on = forms.DateField(label=_("Assigned on"), widget=DATE)


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10_000
    )
    answered_by = forms.CharField(
        label=_("Answering body"), max_length=200, required=False
    )
    on = forms.DateField(label=_("Answered on"), widget=DATE)


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Citizen's satisfaction"))
    on = forms.DateField(label=_("Closed on"), widget=DATE)

    def __init__(self, *args: Any, recommendation: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["outcome"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        if recommendation:
            field.label = _("Carried out")
            field.choices = CarriedOut.choices
        else:
            field.choices = Satisfaction.choices


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejection"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    on = forms.DateField(label=_("Rejected on"), widget=DATE)


STEP_FORMS: dict[str, type[forms.Form]] = {
    Step.ASSIGN: AssignForm,
    Step.ANSWER: AnswerForm,
    Step.CLOSE: CloseForm,
    Step.REJECT: RejectForm,
}


def step_form(
    step: str,
    data: Any = None,
    *,
    recommendation: bool = False,
    prefix: str | None = None,
    body: str = "",
) -> forms.Form:
    """The form of a workflow step, dated today and, for an answer, naming the
    assigned body."""
    initial: dict[str, Any] = {"on": _today()}
    if step == Step.ANSWER:
        initial["answered_by"] = body
    if step == Step.CLOSE:
        return CloseForm(
            data, recommendation=recommendation, prefix=prefix, initial=initial
        )
    return STEP_FORMS[step](data, prefix=prefix, initial=initial)


def step_kwargs(step: str, cleaned: dict[str, Any]) -> dict[str, Any]:
    """The service keywords of a valid step form."""
    return {k: v for k, v in cleaned.items() if v not in (None,)}


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Add a file (PDF, JPEG, PNG, DOCX; at most 5 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx"}),
    )


class _UnitFilterForm(forms.Form):
    """A filter form whose `unit` (declared in place by each form) is a choice
    of the reader's units, each with its subtree."""

    def __init__(self, *args: Any, units: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = _unit_field(
            units,
            _("Unit (with its subtree)"),
            empty=_("All units in your scope"),
            required=False,
        )


class PetitionFilterForm(_UnitFilterForm):
    unit = forms.Field(required=False)  # replaced in __init__
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *Status.choices]
    )
    topic = forms.ChoiceField(
        label=_("Topic"), required=False, choices=[("", _("All")), *Topic.choices]
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("All")), *Channel.choices]
    )
    year = forms.IntegerField(
        label=_("Year"), required=False, min_value=2000, max_value=2100
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)


class SummaryFilterForm(_UnitFilterForm):
    unit = forms.Field(required=False)  # replaced in __init__
    year = forms.IntegerField(
        label=_("Year"), required=False, min_value=2000, max_value=2100
    )


class SupervisionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Supervision.Kind.choices)
    subject = forms.CharField(label=_("Subject"), max_length=300)
    unit = forms.Field()  # replaced in __init__
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    participants = forms.CharField(
        label=_("Who took part"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    findings = forms.CharField(
        label=_("Findings"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    recommendations = forms.CharField(
        label=_("Recommendations (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, units: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = _unit_field(units, _("Unit"))
        self.fields["held_on"].initial = _today()

    def recommendation_lines(self) -> list[str]:
        text = str(self.cleaned_data.get("recommendations") or "")
        return [line.strip() for line in text.splitlines() if line.strip()]


class SupervisionEditForm(SupervisionForm):
    """Correct a recorded activity: its kind, subject, participants and
    findings (recommendations are added and followed up on its page)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, units=[], **kwargs)
        for name in ("unit", "held_on", "recommendations"):
            del self.fields[name]


class RecommendationForm(forms.Form):
    text = forms.CharField(
        label=_("Recommendation"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
    )
