"""The report writers: DOCX (python-docx), PDF (fpdf2), XLSX (openpyxl) and the
chart images both documents embed (matplotlib)."""

from pathlib import Path

from vandong.reports.compose import ChartOut, MissingSentence, Report
from vandong.reports.figures import Missing

FORMATS = ("docx", "pdf", "xlsx")
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def chart_missing(report: Report, section: str, block: ChartOut) -> MissingSentence:
    """A chart without a figure in any year, reported like a sentence."""
    return MissingSentence(
        section,
        block.line,
        f"!chart {block.kind}: {block.caption}",
        (
            Missing(
                "chart",
                block.line,
                "Biểu đồ chưa có số liệu của năm nào trong giai đoạn "
                f"{report.scope.phase}.",
                f"The chart has no figure for any year of {report.scope.phase}.",
            ),
        ),
    )


def chart_images(report: Report) -> dict[str, bytes]:
    """The charts with data as PNG; a chart without data is reported as
    missing (once), like a sentence."""
    from vandong.reports.writers.charts import chart_data, render_png

    images: dict[str, bytes] = {}
    for section in report.sections:
        for block in section.blocks:
            if not isinstance(block, ChartOut):
                continue
            data = chart_data(report.scope, block)
            if data.empty:
                if not any(m.line == block.line for m in report.missing):
                    report.missing.append(chart_missing(report, section.key, block))
                continue
            images[block.key] = render_png(data)
    return images


def render(report: Report, fmt: str, images: dict[str, bytes] | None = None) -> bytes:
    if fmt == "xlsx":
        from vandong.reports.writers.xlsx import write_xlsx

        return write_xlsx(report)
    pictures = images if images is not None else chart_images(report)
    if fmt == "docx":
        from vandong.reports.writers.docx import write_docx

        return write_docx(report, pictures)
    if fmt == "pdf":
        from vandong.reports.writers.pdf import write_pdf

        return write_pdf(report, pictures)
    raise ValueError(f"unknown format {fmt!r}")


def write(report: Report, formats: list[str], folder: Path) -> list[Path]:
    """Write the report in each format into `folder`; the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    images = chart_images(report) if {"docx", "pdf"} & set(formats) else {}
    paths = []
    for fmt in formats:
        path = folder / f"{report.file_stem}.{fmt}"
        path.write_bytes(render(report, fmt, images))
        paths.append(path)
    return paths
