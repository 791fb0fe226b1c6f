"""Forms of the public pages and of the officers' publication page: shape
only; the services judge the rules."""

import re
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vandong.geo.models import Level, Unit
from vandong.petitions.models import Topic
from vandong.portal.services import TEXT_MAX, TEXT_MIN
from vandong.portal.tracking import CODE_MAX

# The trap for robots: a field people never see nor fill (hidden by CSS,
# out of the tab order, ignored by screen readers), that form-filling robots
# fill like any other.
HONEYPOT = "website"
PHONE = re.compile(r"^\+?[0-9 .\-()]{6,20}$")


def unit_label(unit: Unit) -> str:
    return unit.name


class PetitionForm(forms.Form):
    unit = forms.ChoiceField(label=_("Commune or ward the petition is about"))
    topic = forms.ChoiceField(
        label=_("Topic"), choices=[("", _("Choose…")), *Topic.choices]
    )
    text = forms.CharField(
        label=_("Your petition"),
        min_length=TEXT_MIN,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 7, "maxlength": TEXT_MAX}),
        help_text=_("At most %(max)s characters. Do not write personal details here.")
        % {"max": TEXT_MAX},
    )
    contact_name = forms.CharField(
        label=_("Your name (optional)"), max_length=120, required=False
    )
    contact_phone = forms.CharField(
        label=_("Phone (optional)"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    contact_address = forms.CharField(
        label=_("Address (optional)"), max_length=250, required=False
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args: Any, units: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = {u.code: u for u in units}
        choices: list[tuple[str, Any]] = [("", _("Choose…"))]
        for unit in units:
            indent = "" if unit.level == Level.PROVINCE else "\u00a0\u00a0"
            choices.append((unit.code, indent + unit_label(unit)))
        unit_field = self.fields["unit"]
        if isinstance(unit_field, forms.ChoiceField):
            unit_field.choices = choices
        self.fields["contact_name"].widget.attrs["autocomplete"] = "name"
        self.fields["contact_address"].widget.attrs["autocomplete"] = "street-address"

    @property
    def trapped(self) -> bool:
        """Whether the honeypot was filled."""
        return bool(str(self.data.get(HONEYPOT, "")).strip())

    def clean_contact_phone(self) -> str:
        phone = str(self.cleaned_data.get("contact_phone") or "").strip()
        if phone and not PHONE.match(phone):
            raise forms.ValidationError(_("The phone number is not valid."))
        return phone

    def clean_unit(self) -> Unit:
        code = str(self.cleaned_data.get("unit") or "")
        unit = self.units.get(code)
        if unit is None or not unit.is_valid_on(timezone.localdate()):
            raise forms.ValidationError(_("Choose a commune, ward or province."))
        return unit


class TrackForm(forms.Form):
    ma = forms.CharField(
        label=_("Tracking code"),
        max_length=CODE_MAX + 8,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "inputmode": "latin",
            }
        ),
    )


class PublishForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    note = forms.CharField(
        label=_("Note (optional)"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"size": 40}),
    )
