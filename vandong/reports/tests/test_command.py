"""`vandong report`: check template files (every problem with file and line),
load the shipped templates, write a report from a template file."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from vandong.reports.models import ReportTemplate
from vandong.reports.tests.factories import SMALL, make_report_scene


@pytest.fixture
def scene(world, settings, tmp_path):
    settings.ANALYTICS_DIR = str(tmp_path / "analytics")
    make_report_scene(world)
    return world


def test_check_names_every_problem_with_file_and_line(scene, tmp_path):
    good, bad, code = (tmp_path / f"{n}.txt" for n in ("good", "bad", "code"))
    good.write_text(SMALL, encoding="utf-8")
    bad.write_text(SMALL.replace("{{ wards }}", "{{ phuong }}"), encoding="utf-8")
    code.write_text(SMALL.replace("CONTRIB_LAND_M2", "NOPE"), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="2 lỗi"):
        call_command(
            "report", "check", str(good), str(bad), str(code), stdout=out, stderr=err
        )
    assert f"{good}: OK" in out.getvalue()
    lines = err.getvalue().splitlines()
    assert lines[0].startswith(f"{bad}:16: số liệu “phuong” chưa được định nghĩa")
    assert lines[1].startswith(
        f"{code}:8: số liệu “land”: không có chỉ số hay chỉ tiêu “NOPE”"
    )


def test_load_and_list(scene):
    out = io.StringIO()
    call_command("report", "load", stdout=out)
    assert "1 created" in out.getvalue()
    assert ReportTemplate.objects.get().code == "ket-qua-cuoc-van-dong"
    out = io.StringIO()
    call_command("report", "templates", stdout=out)
    assert "ket-qua-cuoc-van-dong v1 (stored)" in out.getvalue()


def test_write_from_a_template_file(scene, tmp_path):
    source = tmp_path / "thu.txt"
    source.write_text(SMALL, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "report",
        "--unit",
        "12",
        "--phase",
        "2016-2020",
        "--template-file",
        str(source),
        "--format",
        "docx,xlsx",
        "--output",
        str(tmp_path / "out"),
        "--issuer",
        "state",
        stdout=out,
        stderr=err,
    )
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == ["thu-12-2016-2020.docx", "thu-12-2016-2020.xlsx"]
    assert "(dòng 15, labour)" in err.getvalue()


def test_write_refuses_unknown_units_and_formats(scene, tmp_path):
    with pytest.raises(CommandError, match="Không tìm thấy đơn vị"):
        call_command("report", "--province", "Atlantis", "--output", str(tmp_path))
    with pytest.raises(CommandError, match="docx, pdf, xlsx"):
        call_command(
            "report", "--province", "12", "--format", "odt", "--output", str(tmp_path)
        )
