"""The documents: DOCX in each official format (A4, margins, Times New Roman
13-14 pt, header blocks, number, place and date, signature, recipients, page
numbers), the PDF with its serif embedded and every diacritic read back, the
XLSX annex with a sheet per section and the tables per district and ward."""

import datetime
import io
import shutil
import subprocess
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from vandong.reports import queries
from vandong.reports import spec as specs
from vandong.reports.compose import compose
from vandong.reports.tests.factories import SMALL, make_report_scene
from vandong.reports.writers import chart_images, render


@pytest.fixture
def scene(world, settings, tmp_path):
    settings.ANALYTICS_DIR = str(tmp_path / "analytics")
    make_report_scene(world)
    return world


def report_of(world, issuer, **options):
    spec = queries.template_spec("ket-qua-cuoc-van-dong")
    scope = queries.scope_for(actor=None, unit=world.province, phase="2016-2020")
    return compose(spec, scope, issuer=issuer, day=datetime.date(2021, 1, 8), **options)


def docx_of(report):
    return Document(io.BytesIO(render(report, "docx", {})))


def header_text(document):
    table = document.tables[0]
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_the_state_format_of_decree_30(scene):
    document = docx_of(report_of(scene, "state", number="7", signer="Nguyễn Văn A"))
    section = document.sections[0]
    # A4, margins top and bottom 20 mm, left 30 mm, right 15 mm
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [
        round(m.mm)
        for m in (
            section.top_margin,
            section.bottom_margin,
            section.left_margin,
            section.right_margin,
        )
    ] == [20, 20, 30, 15]
    # Times New Roman, 14 pt body
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert normal.font.size.pt == 14
    # the header: the issuing body, the national title and motto, number, place and date
    (left, right), (number, date) = header_text(document)
    assert left.split("\n")[:2] == ["ỦY BAN NHÂN DÂN", "TỈNH LAI CHÂU"]
    assert right.split("\n")[:2] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ]
    assert number == "Số: 07/BC-UBND"
    assert date == "Lai Châu, ngày 08 tháng 01 năm 2021"
    motto = document.tables[0].rows[0].cells[1].paragraphs[0].runs[0]
    assert motto.bold is True
    assert motto.font.size.pt == 12
    date_run = document.tables[0].rows[1].cells[1].paragraphs[0].runs[0]
    assert date_run.italic is True
    # title and summary
    texts = [p.text for p in document.paragraphs]
    assert "BÁO CÁO" in texts
    assert any(t.startswith("Kết quả 5 năm thực hiện Cuộc vận động") for t in texts)
    # the body is justified, indented and in 14 pt
    body = next(p for p in document.paragraphs if p.text.startswith("Nhận thức rõ"))
    assert body.paragraph_format.first_line_indent.cm == pytest.approx(1.27, abs=0.01)
    assert body.runs[0].font.size.pt == 14
    # recipients and signature
    (recipients, signature) = next(
        [c.text for c in row.cells] for row in document.tables[1].rows
    )
    assert recipients.startswith("Nơi nhận:\n- ")
    assert recipients.endswith("- Lưu: VT.")
    assert signature.split("\n")[:2] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    assert signature.rstrip().endswith("Nguyễn Văn A")
    # page numbers from page 2, in the header
    assert section.different_first_page_header_footer is True
    assert "PAGE" in section.header._element.xml


def test_the_party_format(scene):
    document = docx_of(report_of(scene, "party", number="35"))
    (left, right), (number, _date) = header_text(document)
    assert left.split("\n")[:2] == ["TỈNH ỦY LAI CHÂU", "*"]
    assert right.split("\n")[0] == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert number == "Số 35-BC/TU"
    (recipients, signature) = next(
        [c.text for c in row.cells] for row in document.tables[1].rows
    )
    assert signature.split("\n")[:2] == ["T/M TỈNH ỦY", "BÍ THƯ"]
    assert recipients.endswith("- Lưu Văn phòng Tỉnh ủy.")
    heading = document.tables[0].rows[0].cells[1].paragraphs[0].runs[0]
    assert heading.font.size.pt == 15


def test_the_front_format(scene):
    document = docx_of(report_of(scene, "front"))
    (left, right), (number, _) = header_text(document)
    assert left.split("\n")[:2] == ["ỦY BAN MTTQ VIỆT NAM", "TỈNH LAI CHÂU"]
    assert right.split("\n")[1] == "Độc lập - Tự do - Hạnh phúc"
    assert number.startswith("Số: ")
    assert number.endswith("/BC-MTTQ-BTT")
    (_, signature) = next(
        [c.text for c in row.cells] for row in document.tables[1].rows
    )
    assert signature.split("\n")[:2] == ["TM. BAN THƯỜNG TRỰC", "CHỦ TỊCH"]


def test_the_pdf_embeds_its_serif_and_reads_back_in_vietnamese(scene):
    report = report_of(scene, "state")
    reader = PdfReader(io.BytesIO(render(report, "pdf", {})))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for words in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "ỦY BAN NHÂN DÂN",
        "Quyết định số 239-QĐ/TU",
        "Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam",
        "đô thị văn minh",
    ):
        assert words in " ".join(text.split()), words
    fonts = set()
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for font in resources["/Font"].values():
            font = font.get_object()
            descriptor = (
                font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            )
            assert "/FontFile2" in descriptor
            fonts.add(str(font["/BaseFont"]).split("+")[-1])
    assert fonts
    assert all(name.startswith("VandongSerif") for name in fonts), fonts
    # A4 pages
    box = reader.pages[0].mediabox
    assert (
        round(float(box.width) / 72 * 25.4),
        round(float(box.height) / 72 * 25.4),
    ) == (210, 297)


def test_the_annex_has_a_sheet_per_section_with_districts_and_wards(scene):
    # given the small template's report
    spec = specs.read(SMALL, queries.catalog())
    scope = queries.scope_for(actor=None, unit=scene.province, phase="2016-2020")
    report = compose(spec, scope, day=datetime.date(2021, 1, 8))

    # when its annex is written
    book = load_workbook(io.BytesIO(render(report, "xlsx")))

    # then a summary, the section's sheet and the missing figures
    assert book.sheetnames == ["Tổng hợp", "Đóng góp", "Thiếu số liệu"]
    summary = {
        row[1]: row for row in book["Tổng hợp"].iter_rows(min_row=6, values_only=True)
    }
    assert summary["cash"][3] == 10_000_000_000
    assert summary["cash"][4] == "10 tỷ đồng"
    assert "CONTRIB_LABOUR_DAYS" in str(summary["labour"][7])
    rows = list(book["Đóng góp"].iter_rows(values_only=True))
    by_code = {str(r[0]): r for r in rows if r and r[0] in ("105", "03388", "03389")}
    assert sorted(by_code) == ["03388", "03389", "105"]
    header = next(r for r in rows if r and r[0] == "Mã")
    cash = header.index("Tiền mặt ủng hộ, đóng góp xây dựng nông thôn mới trong năm")
    assert by_code["105"][cash] == 10_000_000_000
    assert by_code["03388"][cash] == 6_250_000_000
    missing = list(book["Thiếu số liệu"].iter_rows(min_row=2, values_only=True))
    assert [(row[1], row[3]) for row in missing] == [(15, "labour")]


def test_charts_are_drawn_when_they_have_data_else_reported(scene):
    report = report_of(scene, "party")
    images = chart_images(report)
    # no contributions are recorded in the registry: that chart is missing
    assert "economy-3" not in images
    assert any(
        item.source.startswith("!chart contributions") for item in report.missing
    )
    # the trend of communes meeting standards has the reported wards
    assert images["culture-1"][:8] == b"\x89PNG\r\n\x1a\n"
    document = Document(io.BytesIO(render(report, "docx", images)))
    assert len(document.inline_shapes) == 1


@pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice (soffice) is not installed: the DOCX-to-PDF conversion is not tried",
)
def test_libreoffice_opens_the_docx_and_converts_it_to_pdf(scene, tmp_path):
    report = report_of(scene, "state")
    source = tmp_path / "bao-cao.docx"
    source.write_bytes(render(report, "docx", chart_images(report)))
    done = subprocess.run(
        [
            shutil.which("soffice") or "soffice",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()[-500:]
    converted = PdfReader(tmp_path / "bao-cao.pdf")
    assert len(converted.pages) >= 2
    # LibreOffice lays the text out with its own fonts (a Times substitute
    # lacking some Vietnamese letters is pieced out with another), so only
    # words it sets in one font are read back here
    text = " ".join(" ".join(page.extract_text() for page in converted.pages).split())
    assert "LAI CHÂU" in text
    assert "BC-UBND" in text
