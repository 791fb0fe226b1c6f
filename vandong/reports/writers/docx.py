"""The report as a Word document in the official format of its issuing body
(`issuers.Layout`): A4, the format's margins, Times New Roman, the header
block, number and symbol, place and date, title and summary, the body,
charts, recipients and signature, page numbers from page 2."""

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from vandong.reports.compose import ChartOut, ParagraphOut, Report
from vandong.reports.issuers import Layout
from vandong.reports.writers.fonts import text_width_pt

FONT = "Times New Roman"
LEFT_MM = 62.0  # the header's left column (the issuing body, the number)


def _font(run_or_style: object, size: float | None = None) -> None:
    font = run_or_style.font  # type: ignore[attr-defined]
    font.name = FONT
    if size is not None:
        font.size = Pt(size)
    element = run_or_style.element  # type: ignore[attr-defined]
    properties = element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        properties.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)


def _run(
    paragraph: Paragraph,
    text: str,
    size: float,
    *,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
) -> None:
    run = paragraph.add_run(text)
    _font(run, size)
    run.bold = bold
    run.italic = italic
    run.underline = underline


def _tight(
    paragraph: Paragraph, align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER
) -> Paragraph:
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing = 1.0
    fmt.first_line_indent = Pt(0)
    return paragraph


def _rule(paragraph: Paragraph, width_pt: float, box_pt: float) -> None:
    """A solid line `width_pt` long under the paragraph, centred in a box
    `box_pt` wide (a bottom border between equal indents)."""
    side = max(0.0, (box_pt - width_pt) / 2)
    paragraph.paragraph_format.left_indent = Pt(side)
    paragraph.paragraph_format.right_indent = Pt(side)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), "6")
    bottom.set(qn("w:space"), "1")
    bottom.set(qn("w:color"), "000000")
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _rule_paragraph(
    cell: _Cell | None, document: object, width_pt: float, box_pt: float
) -> None:
    """A line of its own (an empty 2 pt paragraph with a bottom border)."""
    paragraph = cell.add_paragraph() if cell is not None else document.add_paragraph()  # type: ignore[attr-defined]
    _tight(paragraph)
    _run(paragraph, "", 2)
    paragraph.paragraph_format.line_spacing = Pt(3)
    paragraph.paragraph_format.space_before = Pt(2)
    _rule(paragraph, width_pt, box_pt)


def _no_borders(table: object) -> None:
    """No borders, and no cell padding left and right (the header's columns
    need their whole width for the national title)."""
    properties = table._tbl.tblPr  # type: ignore[attr-defined]
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    properties.append(borders)
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), "0")
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    properties.append(margins)


def _cell_lines(
    cell: _Cell,
    lines: tuple[str, ...],
    size: float,
    *,
    bold: bool = False,
    first: bool = False,
) -> Paragraph | None:
    last = None
    for index, line in enumerate(lines):
        paragraph = cell.paragraphs[0] if first and index == 0 else cell.add_paragraph()
        _tight(paragraph)
        _run(paragraph, line, size, bold=bold)
        last = paragraph
    return last


def _header(document: object, page: Layout, text_width_mm: float) -> None:
    left_pt = LEFT_MM / 25.4 * 72
    right_pt = (text_width_mm - LEFT_MM) / 25.4 * 72
    table = document.add_table(rows=2, cols=2)  # type: ignore[attr-defined]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _no_borders(table)
    for row in table.rows:
        row.cells[0].width = Mm(LEFT_MM)
        row.cells[1].width = Mm(text_width_mm - LEFT_MM)
    left, right = table.rows[0].cells
    # the issuing body: its parent (not bold), the body (bold), a line or a star
    _cell_lines(left, page.parent_lines, page.parent_size, first=True)
    last = _cell_lines(
        left,
        page.body_lines,
        page.body_size_header,
        bold=True,
        first=not page.parent_lines,
    )
    widest = max(
        text_width_pt(t, page.body_size_header, bold=True) for t in page.body_lines
    )
    if page.body_mark == "star":
        star = left.add_paragraph()
        _tight(star)
        _run(star, "*", page.body_size_header)
    else:
        _rule_paragraph(left, document, widest * page.body_line_ratio, left_pt)
    del last
    # the national title and motto, or the Party's heading, with its line
    for index, (line, size) in enumerate(
        zip(page.motto_lines, page.motto_sizes, strict=True)
    ):
        paragraph = right.paragraphs[0] if index == 0 else right.add_paragraph()
        _tight(paragraph)
        _run(paragraph, line, size, bold=True)
        if index == len(page.motto_lines) - 1:
            # a line as long as the text, in a paragraph of its own so that a
            # wider substitute font cannot make the text wrap
            _rule_paragraph(
                right, document, text_width_pt(line, size, bold=True), right_pt
            )
    number_cell, date_cell = table.rows[1].cells
    paragraph = _tight(number_cell.paragraphs[0])
    paragraph.paragraph_format.space_before = Pt(6)
    _run(paragraph, page.number_text, page.number_size)
    paragraph = _tight(date_cell.paragraphs[0])
    paragraph.paragraph_format.space_before = Pt(6)
    _run(paragraph, page.place_date, page.date_size, italic=True)


def _title(document: object, page: Layout, text_width_mm: float, sample: bool) -> None:
    if sample:
        note = _tight(document.add_paragraph())  # type: ignore[attr-defined]
        note.paragraph_format.space_before = Pt(6)
        _run(
            note,
            "(Bản demo: số liệu dựng sẵn, không phải số liệu thật)",
            11,
            italic=True,
        )
    title = _tight(document.add_paragraph())  # type: ignore[attr-defined]
    title.paragraph_format.space_before = Pt(18)
    _run(title, page.title, page.title_size, bold=True)
    subject = _tight(document.add_paragraph())  # type: ignore[attr-defined]
    subject.paragraph_format.left_indent = Cm(1)
    subject.paragraph_format.right_indent = Cm(1)
    _run(subject, page.subject, page.subject_size, bold=True)
    box = text_width_mm / 25.4 * 72
    width = min(text_width_pt(page.subject, page.subject_size, bold=True), box - 72)
    _rule_paragraph(None, document, width * 0.35, box)
    spacer = _tight(document.add_paragraph())  # type: ignore[attr-defined]
    spacer.paragraph_format.space_after = Pt(6)


def _body_paragraph(
    document: object, page: Layout, text: str, *, bold: bool = False
) -> None:
    paragraph = document.add_paragraph()  # type: ignore[attr-defined]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt = paragraph.paragraph_format
    fmt.first_line_indent = Cm(page.first_line_indent_cm)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(page.paragraph_after_pt)
    fmt.line_spacing = page.line_spacing
    _run(paragraph, text, page.text_size, bold=bold)


def _chart(document: object, image: bytes, caption: str, width_mm: float) -> None:
    document.add_picture(io.BytesIO(image), width=Mm(width_mm))  # type: ignore[attr-defined]
    picture = document.paragraphs[-1]  # type: ignore[attr-defined]
    _tight(picture)
    paragraph = _tight(document.add_paragraph())  # type: ignore[attr-defined]
    paragraph.paragraph_format.space_after = Pt(6)
    _run(paragraph, caption, 12, italic=True)


def _signature(document: object, page: Layout, text_width_mm: float) -> None:
    table = document.add_table(rows=1, cols=2)  # type: ignore[attr-defined]
    table.autofit = False
    _no_borders(table)
    left, right = table.rows[0].cells
    left.width = Mm(text_width_mm * 0.5)
    right.width = Mm(text_width_mm * 0.5)
    label = _tight(left.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)
    label.paragraph_format.space_before = Pt(6)
    _run(
        label,
        "Nơi nhận:",
        page.recipients_label_size,
        bold=not page.recipients_label_underline,
        italic=page.recipients_label_italic,
        underline=page.recipients_label_underline,
    )
    ending = "," if page.kind == "party" else ";"
    for recipient in page.recipients:
        paragraph = _tight(left.add_paragraph(), WD_ALIGN_PARAGRAPH.LEFT)
        _run(paragraph, f"- {recipient.rstrip(';,.')}{ending}", page.recipients_size)
    paragraph = _tight(left.add_paragraph(), WD_ALIGN_PARAGRAPH.LEFT)
    _run(paragraph, f"- {page.archive}", page.recipients_size)
    authority = _tight(right.paragraphs[0])
    authority.paragraph_format.space_before = Pt(6)
    _run(authority, page.authority, page.signature_size, bold=True)
    title = _tight(right.add_paragraph())
    _run(title, page.signer_title, page.signature_size, bold=page.kind != "party")
    for _ in range(4):
        _tight(right.add_paragraph())
    if page.signer_name:
        name = _tight(right.add_paragraph())
        _run(name, page.signer_name, page.signature_size, bold=True)


def _page_numbers(section: object, size: float) -> None:
    """Page numbers centred in the top margin, none on the first page."""
    section.different_first_page_header_footer = True  # type: ignore[attr-defined]
    paragraph = section.header.paragraphs[0]  # type: ignore[attr-defined]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    _font(run, size)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            field = OxmlElement("w:fldChar")
            field.set(qn("w:fldCharType"), kind)
            run._r.append(field)
        else:
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = text
            run._r.append(instruction)


def write_docx(report: Report, images: dict[str, bytes]) -> bytes:
    page = report.layout
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = Mm(210)
    section.page_height = Mm(297)
    section.top_margin = Mm(page.margin_top)
    section.bottom_margin = Mm(page.margin_bottom)
    section.left_margin = Mm(page.margin_left)
    section.right_margin = Mm(page.margin_right)
    section.header_distance = Mm(10)
    text_width_mm = 210 - page.margin_left - page.margin_right
    normal = document.styles["Normal"]
    _font(normal, page.text_size)
    properties = document.core_properties
    properties.title = f"{page.title} {page.subject}"
    properties.author = page.issuer_name
    properties.language = "vi-VN"
    _page_numbers(section, page.page_number_size)

    _header(document, page, text_width_mm)
    _title(document, page, text_width_mm, report.sample)
    for part in report.sections:
        if part.number:
            _body_paragraph(document, page, f"{part.number}. {part.title}", bold=True)
        for block in part.blocks:
            if isinstance(block, ParagraphOut):
                _body_paragraph(document, page, block.text)
            elif isinstance(block, ChartOut) and block.key in images:
                _chart(
                    document,
                    images[block.key],
                    block.caption,
                    min(150.0, text_width_mm),
                )
    _signature(document, page, text_width_mm)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
