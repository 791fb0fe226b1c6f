"""Dialogue conferences as an Excel workbook: one row a conference, its
commitments and their follow-up in one cell."""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from vandong.registries.common.xlsx import Cell, sample_note, workbook
from vandong.registries.models import Conference


def conferences_workbook(conferences: Iterable[Conference]) -> bytes:
    headers = [
        _("Date held"),
        _("Unit code"),
        _("Unit"),
        _("Chaired by"),
        _("Chair's name"),
        _("Chair's title"),
        _("Participants"),
        _("Who took part"),
        _("Issues raised"),
        _("Commitments"),
        _("Sample"),
    ]
    rows: list[list[Cell]] = [
        [
            f"{c.held_on:%d/%m/%Y}",
            c.unit.code,
            c.unit.name,
            str(c.get_chair_role_display()),
            c.chair_name,
            c.chair_title,
            c.participants_count,
            c.participants,
            c.issues,
            "\n".join(
                f"- {m.text} [{m.get_status_display()}"
                + (f", {m.due_on:%d/%m/%Y}" if m.due_on else "")
                + "]"
                for m in c.commitments.all()
            ),
            _("Yes") if c.is_sample else "",
        ]
        for c in conferences
    ]
    return workbook(_("Dialogue conferences"), headers, rows, sample_note())
