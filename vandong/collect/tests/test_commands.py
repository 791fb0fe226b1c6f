import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from vandong.collect import formats
from vandong.collect.management.commands import data as data_command
from vandong.collect.management.commands.data import row_error_line
from vandong.collect.models import DataValue, DataValueAudit, ImportBatch
from vandong.collect.tests.test_api import catalog, stored, write_as_system
from vandong.core.errors import RowError

pytestmark = pytest.mark.django_db

CSV = (
    "data_element,unit_code,period,value\n"
    "XA_TO_HOA_GIAI,03388,2025,4\n"
    "THON_SO_HO,03388-01,2025,80\n"
    "THON_SO_HO,03395-01,2025,12\n"
)


@pytest.fixture
def cat(world):
    return catalog()


def run(*args):
    """Run `vandong data ...`; (exit status, stdout, stderr) as the shell sees them."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("data", *args, stdout=out, stderr=err)
    except CommandError as error:
        # What BaseCommand.run_from_argv prints before exiting with this status.
        err.write(f"CommandError: {error}\n")
        return error.returncode, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def csv_file(tmp_path, text=CSV, name="so-lieu.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


# --- import -------------------------------------------------------------------------


def test_import_stores_the_file_and_prints_counts(tmp_path, cat):
    # when
    status, out, err = run("import", str(csv_file(tmp_path)))

    # then
    assert status == 0, err
    batch = ImportBatch.objects.get()
    assert out == (
        f"Đã nhập so-lieu.csv: thêm 3, sửa 0, không đổi 0, xóa 0 (lô #{batch.pk}). / "
        f"Imported so-lieu.csv: created 3, updated 0, unchanged 0, deleted 0 "
        f"(batch #{batch.pk}).\n"
    )
    assert (batch.filename, batch.format, batch.channel) == (
        "so-lieu.csv",
        "csv",
        "cli",
    )
    assert stored() == [
        ("THON_SO_HO", "03388-01", "2025", 80.0),
        ("THON_SO_HO", "03395-01", "2025", 12.0),
        ("XA_TO_HOA_GIAI", "03388", "2025", 4.0),
    ]
    assert {(a.channel, a.actor_id) for a in DataValueAudit.objects.all()} == {
        ("cli", None)
    }


def test_import_again_counts_unchanged(tmp_path, cat):
    path = csv_file(tmp_path)
    run("import", str(path))

    status, out, _ = run("import", str(path))

    assert status == 0
    assert "created 0, updated 0, unchanged 3, deleted 0" in out


def test_import_dry_run_stores_nothing(tmp_path, cat):
    status, out, _ = run("import", str(csv_file(tmp_path)), "--dry-run")

    assert status == 0
    assert out == (
        "Chạy thử so-lieu.csv: sẽ thêm 3, sửa 0, không đổi 0, xóa 0; chưa lưu gì. / "
        "Dry run of so-lieu.csv: would have created 3, updated 0, unchanged 0, "
        "deleted 0; nothing stored.\n"
    )
    assert DataValue.objects.count() == 0


def test_import_with_a_bad_row_exits_1_prints_each_error_and_stores_nothing(
    tmp_path, cat
):
    # given
    text = CSV + "THON_SO_HO,03388-02,2025,-5\nKHONG_CO,03388,2025,1\n"

    # when
    status, out, err = run("import", str(csv_file(tmp_path, text)))

    # then
    assert status == 1
    assert out == ""
    lines = err.splitlines()
    failure = next(
        n for n, line in enumerate(lines) if line.startswith("CommandError:")
    )
    error_lines = lines[:failure]
    assert len(error_lines) == 2
    assert lines[failure:] == [
        "CommandError: 2 dòng có lỗi; không có số liệu nào được lưu.",
        "2 rows have errors; nothing was saved.",
    ]
    assert any(line.startswith("5 03388-02 THON_SO_HO: ") for line in error_lines)
    assert any(line.startswith("6 03388 KHONG_CO: ") for line in error_lines)
    assert all(" / " in line for line in error_lines)
    assert DataValue.objects.count() == 0


def test_import_as_a_user_is_held_to_the_users_scope(tmp_path, world, cat):
    # when
    status, _, err = run("import", str(csv_file(tmp_path)), "--user", "xa")

    # then
    assert status == 1
    assert err.splitlines()[0].startswith("4 03395-01 THON_SO_HO: ")
    assert "CommandError: " in err
    assert DataValue.objects.count() == 0


def test_import_as_a_user_records_the_user(tmp_path, world, cat):
    text = "data_element,unit_code,period,value\nXA_TO_HOA_GIAI,03388,2025,4\n"

    status, _, err = run("import", str(csv_file(tmp_path, text)), "--user", "xa")

    assert status == 0, err
    assert DataValue.objects.get().updated_by == world.xa


def test_import_as_an_unknown_user_exits_1(tmp_path, cat):
    status, _, err = run("import", str(csv_file(tmp_path)), "--user", "khong-co")

    assert status == 1
    assert "No user named “khong-co”." in err
    assert DataValue.objects.count() == 0


def test_import_of_a_missing_file_exits_2(tmp_path, cat):
    status, _, err = run("import", str(tmp_path / "khong-co.csv"))

    assert status == 2
    assert "Cannot open" in err


def test_import_of_a_png_named_csv_exits_1(tmp_path, cat):
    path = csv_file(tmp_path, b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "anh.csv")

    status, _, err = run("import", str(path))

    assert status == 1
    assert err == (
        "CommandError: Tệp “anh.csv” không phải tệp văn bản CSV như phần đuôi tên "
        "tệp cho biết: nội dung là ảnh PNG.\n"
        "The file 'anh.csv' is not a CSV text file as its name says: it holds a PNG "
        "image.\n"
    )


def test_import_of_a_file_over_the_limit_exits_1_before_reading(
    tmp_path, cat, settings
):
    settings.VANDONG_MAX_IMPORT_BYTES = 10

    status, _, err = run("import", str(csv_file(tmp_path)))

    assert status == 1
    assert "the limit is 10 byte" in err


def test_import_of_a_big_file_shows_progress_on_stderr(tmp_path, cat, monkeypatch):
    # given: "big" made small, so three rows are enough.
    monkeypatch.setattr(data_command, "PROGRESS_FROM_ROWS", 2)

    # when
    status, out, err = run("import", str(csv_file(tmp_path)))

    # then
    assert status == 0
    assert "Read 3 rows; checking and writing" in err
    assert "Imported so-lieu.csv" in out
    assert "Imported" not in err


def test_row_error_line_leaves_out_what_is_not_known():
    full = RowError(
        5,
        "value",
        "Số âm",
        "Negative",
        sheet="Xã",
        column="D",
        unit="03388",
        element="e",
    )
    bare = RowError(0, "", "Tệp trống", "Empty file")

    assert row_error_line(full) == "Xã/5/D 03388 e: Số âm / Negative"
    assert row_error_line(bare) == "Tệp trống / Empty file"


# --- export -------------------------------------------------------------------------


@pytest.fixture
def values(cat):
    write_as_system(
        [
            ("XA_TO_HOA_GIAI", "03388", "2025", 4.0),
            ("THON_SO_HO", "03388-01", "2025", 80.0),
            ("XA_TO_HOA_GIAI", "03395", "2025", 7.0),
            ("XA_TO_HOA_GIAI", "03388", "2020", 3.0),
        ]
    )


def exported(path):
    rows = formats.read_file(path.read_bytes(), filename=path.name)
    return sorted(
        (r.data_element, r.unit_code, r.period, float(str(r.value).replace(",", ".")))
        for r in rows
    )


def test_export_csv_of_one_unit(tmp_path, values):
    # given
    path = tmp_path / "xuat.csv"

    # when
    status, out, err = run(
        "export", "--format", "csv", "--unit", "03388", "--period", "2025", str(path)
    )

    # then
    assert status == 0, err
    assert out == (
        f"Đã xuất 1 giá trị của Phường Đoàn Kết (03388), kỳ 2025 vào {path}. / "
        f"Exported 1 values of Phường Đoàn Kết (03388), period 2025, to {path}.\n"
    )
    assert exported(path) == [("XA_TO_HOA_GIAI", "03388", "2025", 4.0)]


def test_export_with_children_holds_the_subtree(tmp_path, values):
    path = tmp_path / "xuat.csv"

    run("export", "--unit", "03388", "--period", "2025", "--children", str(path))

    assert exported(path) == [
        ("THON_SO_HO", "03388-01", "2025", 80.0),
        ("XA_TO_HOA_GIAI", "03388", "2025", 4.0),
    ]


def test_export_reads_the_unit_code_on_the_periods_last_day(tmp_path, values):
    path = tmp_path / "xuat.csv"

    status, out, _ = run("export", "--unit", "03388", "--period", "2020", str(path))

    assert status == 0
    assert "Phường Quyết Tiến (03388)" in out
    assert exported(path) == [("XA_TO_HOA_GIAI", "03388", "2020", 3.0)]


@pytest.mark.parametrize(
    ("fmt", "name"), [("json", "x.json"), ("xml", "x.xml"), ("adx", "x.adx.xml")]
)
def test_export_dhis2_formats_read_back(tmp_path, values, fmt, name):
    path = tmp_path / name

    status, _, err = run(
        "export",
        "--format",
        fmt,
        "--unit",
        "12",
        "--period",
        "2025",
        "--children",
        str(path),
    )

    assert status == 0, err
    assert exported(path) == [
        ("THON_SO_HO", "03388-01", "2025", 80.0),
        ("XA_TO_HOA_GIAI", "03388", "2025", 4.0),
        ("XA_TO_HOA_GIAI", "03395", "2025", 7.0),
    ]


def test_export_to_standard_output(values):
    status, out, _ = run(
        "export", "--format", "csv", "--unit", "03395", "--period", "2025", "-"
    )

    assert status == 0
    assert "XA_TO_HOA_GIAI,03395,2025,7" in out


def test_export_as_a_user_holds_only_what_the_user_may_view(tmp_path, world, values):
    path = tmp_path / "xuat.csv"

    run(
        "export",
        "--unit",
        "12",
        "--period",
        "2025",
        "--children",
        "--user",
        "xa",
        str(path),
    )

    assert [r[1] for r in exported(path)] == ["03388-01", "03388"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--unit", "03388", "--period", "1999", "x.csv"],
            "No period has the code '1999'.",
        ),
        (
            ["--unit", "99999", "--period", "2025", "x.csv"],
            "No administrative unit has code 99999 on 2025-12-31.",
        ),
        (
            ["--unit", "03388", "--period", "2025", "x.txt"],
            "Choose the format with --format csv|json|xml|adx.",
        ),
    ],
)
def test_export_refusals_exit_2(tmp_path, values, args, message):
    status, _, err = run("export", *args[:-1], str(tmp_path / args[-1]))

    assert status == 2
    assert message in err
