"""Contribution files: all rows or none, every bad row named; dry run; CLI."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from vandong.core.errors import DomainError
from vandong.core.models import AuditEntry
from vandong.registries.contributions.imports import contributions_import
from vandong.registries.models import Contribution

HEADER = (
    "unit_code,date,kind,name,cash_vnd,land_m2,labour_days,materials_desc,"
    "materials_qty,materials_unit,materials_vnd,purpose,project\n"
)
GOOD = (
    HEADER
    + "03388,2025-08-01,people,Lò Văn A,5.000.000,,,,,,,road,\n"
    + '03388-01,15/09/2025,Doanh nghiệp,,,"120,5",10,Cát,5,m³,3.000.000,school,\n'
)


def test_a_good_file_is_recorded_with_audit_rows(world):
    result = contributions_import(actor=world.xa, data=GOOD.encode(), filename="a.csv")
    assert (result.created, result.cash_vnd, result.materials_vnd) == (
        2,
        5_000_000,
        3_000_000,
    )
    kinds = sorted(Contribution.objects.values_list("kind", flat=True))
    assert kinds == ["businesses", "people"]
    assert AuditEntry.objects.filter(entity="registries.contribution").count() == 2


def test_a_dry_run_records_nothing(world):
    result = contributions_import(
        actor=world.xa, data=GOOD.encode(), filename="a.csv", dry_run=True
    )
    assert (result.created, result.dry_run) == (2, True)
    assert Contribution.objects.count() == 0


def test_every_bad_row_is_named_and_nothing_is_saved(world):
    # given a file with one good row and four bad ones
    data = (
        GOOD
        + "99999,2025-08-01,people,,1,,,,,,,road,\n"  # row 4: unknown unit
        + "03388,2025-13-01,people,,1,,,,,,,road,\n"  # row 5: bad date
        + "03388,2025-08-01,aliens,,1,,,,,,,road,\n"  # row 6: bad kind
        + '03388,2025-08-01,people,,"1,5",,,,,,,other,\n'  # row 7: cash, project
        + "03388,2025-08-01,people,,,,,,,,,road,\n"  # row 8: nothing given
    )
    # when it is imported
    with pytest.raises(DomainError) as refused:
        contributions_import(actor=world.xa, data=data.encode(), filename="b.csv")
    # then every bad row is named with its field, in both languages
    error = refused.value
    assert error.code == "invalid_rows"
    assert error.message_en == "5 rows have errors; no row was saved."
    named = [(r.row, r.field) for r in error.rows]
    assert named == [
        (4, "unit_code"),
        (5, "date"),
        (6, "kind"),
        (7, "cash_vnd"),
        (7, "project"),
        (8, "cash_vnd"),
    ]
    assert all(r.message_vi and r.message_en for r in error.rows)
    assert Contribution.objects.count() == 0


def test_rows_outside_the_scope_refuse_the_file(world):
    data = HEADER + "03395,2025-08-01,people,,1000,,,,,,,road,\n"
    with pytest.raises(DomainError) as refused:
        contributions_import(actor=world.xa, data=data.encode(), filename="c.csv")
    assert refused.value.code == "out_of_scope"
    assert [(r.row, r.unit) for r in refused.value.rows] == [(2, "03395")]
    assert Contribution.objects.count() == 0


def test_an_xlsx_file_is_read_like_a_csv(world):
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Mã đơn vị", "Ngày", "Đối tượng", "Tiền mặt", "Mục đích"])
    sheet.append(["03388", "01/08/2025", "Cán bộ, đảng viên", 2_500_000, "Thủy lợi"])
    out = io.BytesIO()
    book.save(out)
    contributions_import(actor=world.xa, data=out.getvalue(), filename="d.xlsx")
    record = Contribution.objects.get()
    assert (record.kind, record.purpose, record.cash_vnd) == (
        "cadres",
        "irrigation",
        2_500_000,
    )


def test_the_command_imports_and_names_bad_rows(world, tmp_path: Path, capsys):
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    call_command("registries", "import-contributions", str(good), "--dry-run")
    assert Contribution.objects.count() == 0
    call_command("registries", "import-contributions", str(good), "--user", "xa")
    assert Contribution.objects.count() == 2
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "03388,2025-08-01,aliens,,1,,,,,,,road,\n", "utf-8")
    with pytest.raises(CommandError, match="no row was saved"):
        call_command("registries", "import-contributions", str(bad))
    assert "row 2: kind" in capsys.readouterr().out
