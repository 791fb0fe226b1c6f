"""The models-and-teams list as an Excel workbook."""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from vandong.registries.common.xlsx import sample_note, workbook
from vandong.registries.models import ModelTeam
from vandong.registries.models.teams import KIND_NAMES_VI


def models_workbook(records: Iterable[ModelTeam]) -> bytes:
    headers = [
        _("Unit code"),
        _("Unit"),
        _("Kind"),
        _("Name"),
        _("Count"),
        _("Year recognised"),
        _("Active"),
        _("Year it stopped"),
        _("Note"),
        _("Sample"),
    ]
    rows = (
        [
            r.unit.code,
            r.unit.name,
            KIND_NAMES_VI.get(r.kind, r.kind),
            r.name,
            r.count,
            r.recognized_year,
            _("Yes") if r.active else _("No"),
            r.stopped_year,
            r.note,
            _("Yes") if r.is_sample else "",
        ]
        for r in records
    )
    return workbook(_("Models and teams"), headers, rows, sample_note())
