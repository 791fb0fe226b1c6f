"""The petitions list as an Excel workbook: every petition the filters match.

The citizen's contact columns appear only for a user who handles petitions
somewhere, and are filled only on the rows of units they handle petitions
on: a viewer's export carries no personal data at all.

The supervision and social criticism list likewise: one row per
recommendation with its activity and its follow-up (an activity without a
recommendation has one row of its own).
"""

import datetime
import io
from collections.abc import Iterable

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from vandong.accounts.permissions import Action
from vandong.accounts.queries import Actor, can_anywhere
from vandong.petitions.models import Petition, Supervision
from vandong.petitions.queries import may_handle
from vandong.petitions.workflow import is_overdue

HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
OVERDUE_FILL = PatternFill("solid", fgColor="FDE2E1")
BOLD = Font(bold=True)


def _day(value: datetime.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _header(sheet: Worksheet, headers: list[str]) -> None:
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _finished(book: Workbook, sheet: Worksheet, widths: list[int]) -> bytes:
    """The workbook's bytes, columns sized, header frozen, filters on."""
    for number, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = sheet.dimensions
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def petitions_workbook(*, actor: Actor, petitions: Iterable[Petition]) -> bytes:
    with_contact = can_anywhere(actor=actor, action=Action.HANDLE_PETITIONS)
    book = Workbook()
    sheet = book.worksheets[0]  # a new workbook has one sheet
    sheet.title = _("Petitions")
    headers = [
        _("Tracking code"),
        _("Received on"),
        _("Unit code"),
        _("Unit"),
        _("Channel"),
        _("Topic"),
        _("Petition"),
        _("Status"),
        _("Overdue"),
        _("Responsible body"),
        _("Deadline"),
        _("Answered on"),
        _("Answering body"),
        _("Answer"),
        _("Citizen's satisfaction"),
        _("Reason for rejection"),
        _("Sample data"),
    ]
    if with_contact:
        headers += [_("Citizen's name"), _("Phone"), _("Address")]
    _header(sheet, headers)
    overdue_column = headers.index(_("Overdue")) + 1
    for p in petitions:
        overdue = bool(getattr(p, "overdue", False))
        row = [
            p.tracking_code,
            _day(p.received_on),
            p.unit.code,
            p.unit.name,
            p.get_channel_display(),
            p.get_topic_display(),
            p.text,
            p.get_status_display(),
            _("Yes") if overdue else "",
            p.body,
            _day(p.deadline),
            _day(p.answered_on),
            p.answered_by,
            p.answer,
            p.get_satisfaction_display() if p.satisfaction else "",
            p.reject_reason,
            _("Yes") if p.is_sample else "",
        ]
        if with_contact:
            shown = may_handle(actor=actor, unit=p.unit)
            row += (
                [p.contact_name, p.contact_phone, p.contact_address]
                if shown
                else ["", "", ""]
            )
        sheet.append(row)
        if overdue:
            sheet.cell(row=sheet.max_row, column=overdue_column).fill = OVERDUE_FILL
    widths = [14, 12, 10, 26, 18, 18, 50, 16, 9, 26, 12, 12, 26, 50, 16, 30, 10]
    widths += [22, 14, 30] if with_contact else []
    return _finished(book, sheet, widths)


def petitions_filename(day: datetime.date) -> str:
    return f"kien-nghi-{day.isoformat()}.xlsx"


def supervision_workbook(
    *, activities: Iterable[Supervision], today: datetime.date
) -> bytes:
    """Activities (their recommendations prefetched) and each recommendation's
    follow-up, overdue ones marked."""
    book = Workbook()
    sheet = book.worksheets[0]
    # Excel allows sheet titles of at most 31 characters.
    sheet.title = _("Supervision and social criticism")[:31]
    headers = [
        _("Date"),
        _("Kind"),
        _("Subject"),
        _("Unit code"),
        _("Unit"),
        _("Who took part"),
        _("Findings"),
        _("Recommendation"),
        _("Status"),
        _("Overdue"),
        _("Responsible body"),
        _("Deadline"),
        _("Answered on"),
        _("Answering body"),
        _("Answer"),
        _("Carried out"),
        _("Reason for rejection"),
        _("Sample data"),
    ]
    _header(sheet, headers)
    overdue_column = headers.index(_("Overdue")) + 1
    for s in activities:
        activity = [
            _day(s.held_on),
            s.get_kind_display(),
            s.subject,
            s.unit.code,
            s.unit.name,
            s.participants,
            s.findings,
        ]
        sample = _("Yes") if s.is_sample else ""
        recommendations = list(s.recommendations.all())
        if not recommendations:
            sheet.append([*activity, *([""] * 10), sample])
        for r in recommendations:
            overdue = is_overdue(r, today)
            sheet.append(
                [
                    *activity,
                    r.text,
                    r.get_status_display(),
                    _("Yes") if overdue else "",
                    r.body,
                    _day(r.deadline),
                    _day(r.answered_on),
                    r.answered_by,
                    r.answer,
                    r.get_carried_out_display() if r.carried_out else "",
                    r.reject_reason,
                    sample,
                ]
            )
            if overdue:
                sheet.cell(row=sheet.max_row, column=overdue_column).fill = OVERDUE_FILL
    widths = [12, 16, 40, 10, 26, 30, 50, 50, 16, 9, 26, 12, 12, 26, 50, 18, 30, 10]
    return _finished(book, sheet, widths)


def supervision_filename(day: datetime.date) -> str:
    return f"giam-sat-phan-bien-{day.isoformat()}.xlsx"
