"""The report as PDF (fpdf2), laid out as the DOCX is, with the serif of
`fonts.serif()` embedded (subset) so every Vietnamese letter prints and can
be copied back out of the file."""

import io
import unicodedata

from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

from vandong.reports.compose import ChartOut, ParagraphOut, Report
from vandong.reports.issuers import Layout
from vandong.reports.writers.fonts import serif

PT = 25.4 / 72  # millimetres per point
LEFT_MM = 62.0  # the header's left column (the issuing body, the number)
FAMILY = "Serif"


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


class _Document(FPDF):
    def __init__(self, page: Layout) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.format_layout = page
        self.set_margins(page.margin_left, page.margin_top, page.margin_right)
        self.set_auto_page_break(True, margin=page.margin_bottom)
        family = serif()
        for style, key in (
            ("", "regular"),
            ("B", "bold"),
            ("I", "italic"),
            ("BI", "bolditalic"),
        ):
            self.add_font(FAMILY, style, str(family.files[key]))
        self.set_creator("vandong")
        self.set_lang("vi-VN")

    def header(self) -> None:
        # Page numbers centred in the top margin, none on the first page.
        if self.page_no() > 1:
            size = self.format_layout.page_number_size
            self.set_font(FAMILY, "", size)
            self.set_xy(self.l_margin, 10)
            self.cell(self.epw, size * PT, str(self.page_no()), align=Align.C)
            self.set_xy(self.l_margin, self.t_margin)

    # -- helpers --------------------------------------------------------------------

    def line_at(
        self, text: str, size: float, style: str, x: float, width: float
    ) -> None:
        """One centred line in the column [x, x + width] at the current y."""
        self.set_font(FAMILY, style, size)
        self.set_x(x)
        self.multi_cell(
            width,
            size * PT * 1.2,
            _nfc(text),
            align=Align.C,
            new_x=XPos.LEFT,
            new_y=YPos.NEXT,
        )

    def rule(self, centre: float, length: float, gap: float = 0.6) -> None:
        y = self.get_y() + gap
        self.set_line_width(0.25)
        self.line(centre - length / 2, y, centre + length / 2, y)
        self.set_y(y + gap)


def _header(pdf: _Document, page: Layout) -> None:
    left_x, right_x = pdf.l_margin, pdf.l_margin + LEFT_MM
    right_w = pdf.epw - LEFT_MM
    top = pdf.t_margin
    # left: the issuing body
    pdf.set_y(top)
    for line in page.parent_lines:
        pdf.line_at(line, page.parent_size, "", left_x, LEFT_MM)
    for line in page.body_lines:
        pdf.line_at(line, page.body_size_header, "B", left_x, LEFT_MM)
    pdf.set_font(FAMILY, "B", page.body_size_header)
    widest = max(pdf.get_string_width(_nfc(t)) for t in page.body_lines)
    if page.body_mark == "star":
        pdf.line_at("*", page.body_size_header, "", left_x, LEFT_MM)
    else:
        pdf.rule(left_x + LEFT_MM / 2, widest * page.body_line_ratio)
    left_end = pdf.get_y()
    # right: the national title and motto, or the Party heading
    pdf.set_y(top)
    for index, (line, size) in enumerate(
        zip(page.motto_lines, page.motto_sizes, strict=True)
    ):
        pdf.line_at(line, size, "B", right_x, right_w)
        if index == len(page.motto_lines) - 1:
            pdf.set_font(FAMILY, "B", size)
            pdf.rule(right_x + right_w / 2, pdf.get_string_width(_nfc(line)))
    row = max(left_end, pdf.get_y()) + 2
    pdf.set_y(row)
    pdf.line_at(page.number_text, page.number_size, "", left_x, LEFT_MM)
    pdf.set_y(row)
    pdf.line_at(page.place_date, page.date_size, "I", right_x, right_w)


def _title(pdf: _Document, page: Layout, sample: bool) -> None:
    pdf.ln(4)
    if sample:
        pdf.line_at(
            "(Bản demo: số liệu dựng sẵn, không phải số liệu thật)",
            11,
            "I",
            pdf.l_margin,
            pdf.epw,
        )
    pdf.ln(4)
    pdf.line_at(page.title, page.title_size, "B", pdf.l_margin, pdf.epw)
    pdf.line_at(page.subject, page.subject_size, "B", pdf.l_margin + 10, pdf.epw - 20)
    pdf.set_font(FAMILY, "B", page.subject_size)
    width = min(pdf.get_string_width(_nfc(page.subject)), pdf.epw - 25)
    pdf.rule(pdf.l_margin + pdf.epw / 2, width * 0.35, gap=2.5)
    pdf.ln(4)


def _paragraph(pdf: _Document, page: Layout, text: str, *, bold: bool = False) -> None:
    pdf.set_font(FAMILY, "B" if bold else "", page.text_size)
    columns = pdf.text_columns(text_align=Align.J, line_height=page.line_spacing)
    with columns:
        paragraph = columns.paragraph(
            first_line_indent=page.first_line_indent_cm * 10,
            bottom_margin=page.paragraph_after_pt * PT,
        )
        paragraph.write(_nfc(text))
        columns.end_paragraph()


def _chart(pdf: _Document, image: bytes, caption: str) -> None:
    width = min(150.0, pdf.epw)
    height = width / 2  # the charts are drawn 16 x 8 cm
    if pdf.get_y() + height + 10 > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.image(io.BytesIO(image), x=pdf.l_margin + (pdf.epw - width) / 2, w=width)
    pdf.line_at(caption, 12, "I", pdf.l_margin, pdf.epw)
    pdf.ln(2)


def _signature(pdf: _Document, page: Layout) -> None:
    lines = len(page.recipients) + 2
    needed = max(lines * page.recipients_size * PT * 1.3, 45)
    if pdf.get_y() + needed > pdf.h - pdf.b_margin:
        pdf.add_page()
    top = pdf.get_y() + 2
    half = pdf.epw / 2
    pdf.set_xy(pdf.l_margin, top)
    style = "U" if page.recipients_label_underline else "BI"
    pdf.set_font(FAMILY, style, page.recipients_label_size)
    pdf.cell(
        half,
        page.recipients_label_size * PT * 1.3,
        "Nơi nhận:",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    ending = "," if page.kind == "party" else ";"
    pdf.set_font(FAMILY, "", page.recipients_size)
    for text in [f"- {r.rstrip(';,.')}{ending}" for r in page.recipients] + [
        f"- {page.archive}"
    ]:
        pdf.set_x(pdf.l_margin)
        pdf.multi_cell(
            half - 4,
            page.recipients_size * PT * 1.3,
            _nfc(text),
            align=Align.L,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
    bottom = pdf.get_y()
    pdf.set_y(top)
    right = pdf.l_margin + half
    pdf.line_at(page.authority, page.signature_size, "B", right, half)
    pdf.line_at(
        page.signer_title,
        page.signature_size,
        "" if page.kind == "party" else "B",
        right,
        half,
    )
    pdf.ln(22)
    if page.signer_name:
        pdf.line_at(page.signer_name, page.signature_size, "B", right, half)
    pdf.set_y(max(bottom, pdf.get_y()))


def write_pdf(report: Report, images: dict[str, bytes]) -> bytes:
    page = report.layout
    pdf = _Document(page)
    pdf.set_title(_nfc(f"{page.title} {page.subject}"))
    pdf.set_author(_nfc(page.issuer_name))
    pdf.add_page()
    _header(pdf, page)
    _title(pdf, page, report.sample)
    for part in report.sections:
        if part.number:
            _paragraph(pdf, page, f"{part.number}. {part.title}", bold=True)
        for block in part.blocks:
            if isinstance(block, ParagraphOut):
                _paragraph(pdf, page, block.text)
            elif isinstance(block, ChartOut) and block.key in images:
                _chart(pdf, images[block.key], block.caption)
    _signature(pdf, page)
    return bytes(pdf.output())
