from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from vandong.core.errors import DomainError
from vandong.core.models import AuditEntry
from vandong.geo.models import REFORM_DATE, Level, Unit
from vandong.geo.villages import villages_import

HEADER = "commune_code,village_name,type,households,population\n"


def _csv(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "villages.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_import_creates_villages_under_the_commune_valid_on_the_date(world, tmp_path):
    # given a file naming the current Đoàn Kết (03388) twice and Tân Phong once
    path = _csv(
        tmp_path,
        "03388,Bản Nà Tăm,bản,120,540\n03388,Tổ dân phố 9,tổ dân phố,200,\n03395,Thôn Mới,,,\n",
    )
    # when it is imported on a date after the reform
    result = villages_import(actor=None, path=path, on=REFORM_DATE)
    # then the villages hang from the current units, with codes and paths
    assert (result.created, result.updated) == (3, 0)
    na_tam = Unit.objects.get(name="Bản Nà Tăm")
    assert na_tam.parent == world.doan_ket
    assert na_tam.level == Level.VILLAGE
    assert na_tam.type == "ban"
    assert (na_tam.households, na_tam.population) == (120, 540)
    assert na_tam.code == "03388-03"  # after the world's 03388-01 and -02
    assert na_tam.path.startswith(world.doan_ket.path)
    assert Unit.objects.get(name="Thôn Mới").type == "thon"
    assert AuditEntry.objects.filter(entity="geo.unit", action="create").count() == 3


def test_reimport_changes_only_what_changed(world, tmp_path):
    villages_import(
        actor=None,
        path=_csv(tmp_path, "03388,Bản Nà Tăm,bản,120,540\n"),
        on=REFORM_DATE,
    )
    result = villages_import(
        actor=None,
        path=_csv(tmp_path, "03388,Bản Nà Tăm,bản,125,540\n"),
        on=REFORM_DATE,
    )
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    assert Unit.objects.get(name="Bản Nà Tăm").households == 125


def test_bad_rows_are_named_and_nothing_is_stored(world, tmp_path):
    # given a file with an unknown commune, a repeated village and a bad count
    path = _csv(
        tmp_path,
        "03388,Bản Nà Tăm,bản,120,540\n"
        "99999,Bản Lạ,bản,10,40\n"
        "03388,Bản  nà tăm,bản,1,2\n"
        "03395,Thôn Hai,thôn,mười,\n",
    )
    before = Unit.objects.count()
    # when it is imported
    with pytest.raises(DomainError) as caught:
        villages_import(actor=None, path=path, on=REFORM_DATE)
    # then every bad row is reported with its number and field, and nothing is stored
    rows = [(e.row, e.field) for e in caught.value.rows]
    assert rows == [(3, "commune_code"), (4, "name"), (5, "households")]
    assert caught.value.code == "invalid_rows"
    assert "99999" in caught.value.rows[0].message_vi
    assert "dòng 2" in caught.value.rows[1].message_vi
    assert Unit.objects.count() == before


def test_legacy_code_is_read_on_the_date_given(world, tmp_path):
    # 03389 was the old Đoàn Kết: it exists before the reform only
    path = _csv(tmp_path, "03389,Bản Cũ,bản,10,40\n")
    with pytest.raises(DomainError):
        villages_import(actor=None, path=path, on=REFORM_DATE)
    villages_import(actor=None, path=path, on=REFORM_DATE.replace(day=1, month=1))
    assert Unit.objects.get(name="Bản Cũ").parent == world.legacy_doan_ket


def test_xlsx_with_vietnamese_headers_and_numeric_codes(world, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Mã xã", "Tên thôn", "Loại", "Số hộ", "Dân số"])
    sheet.append([3388, "Bản Hua Bó", "Bản", 88, 401])  # Excel dropped the leading zero
    path = tmp_path / "thon.xlsx"
    workbook.save(path)
    villages_import(actor=None, path=path, on=REFORM_DATE)
    assert Unit.objects.get(name="Bản Hua Bó").parent == world.doan_ket


def test_commune_officer_may_not_import_into_a_neighbour(world, tmp_path):
    path = _csv(tmp_path, "03388,Bản Của Mình,bản,1,1\n03395,Bản Hàng Xóm,bản,1,1\n")
    with pytest.raises(DomainError) as caught:
        villages_import(actor=world.xa, path=path, on=REFORM_DATE)
    assert caught.value.code == "out_of_scope"
    assert caught.value.status == 403
    assert [(e.row, e.field) for e in caught.value.rows] == [(3, "commune_code")]
    assert not Unit.objects.filter(name="Bản Của Mình").exists()


def test_command_reports_rows(world, tmp_path):
    path = _csv(tmp_path, "99999,Bản Lạ,bản,10,40\n")
    with pytest.raises(CommandError, match="row 2, commune_code"):
        call_command("units", "import-villages", str(path), "--on", "2025-07-01")
