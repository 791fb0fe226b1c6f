"""Composing a report: a template, a unit and a phase in; the report's
sentences with their figures, the sentences left out for want of data (and
what data they need), the charts and the annex tables out.

The writers (DOCX, PDF, XLSX) and the web page all render a `Report`.
"""

import datetime
from dataclasses import dataclass, field

from vandong.reports import notation
from vandong.reports.figures import (
    UNIT_KIND_VI,
    ChildValue,
    Evaluator,
    Figure,
    Missing,
    Result,
    Scope,
)
from vandong.reports.issuers import Layout, _short, layout
from vandong.reports.spec import (
    ChartDef,
    Paragraph,
    Part,
    Placeholder,
    ReportSpec,
    SectionDef,
    placeholders,
)


@dataclass(frozen=True)
class FigureText:
    """A figure as printed in a sentence."""

    name: str
    text: str
    placeholder: str  # as written in the template


Piece = str | FigureText


@dataclass(frozen=True)
class Sentence:
    pieces: tuple[Piece, ...]
    line: int

    @property
    def text(self) -> str:
        return "".join(p if isinstance(p, str) else p.text for p in self.pieces)


@dataclass(frozen=True)
class ParagraphOut:
    sentences: tuple[Sentence, ...]

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)


@dataclass(frozen=True)
class ChartOut:
    key: str  # section key and position, for its URL
    kind: str
    arguments: tuple[str, ...]
    caption: str
    line: int


def chart_out(section: str, index: int, block: ChartDef) -> ChartOut:
    """The chart at `index` among the blocks of a section, keyed
    "{section}-{index}" (its URL)."""
    return ChartOut(
        f"{section}-{index}",
        block.call.function,
        tuple(block.call.args),
        block.caption,
        block.line,
    )


@dataclass(frozen=True)
class SectionOut:
    key: str
    title: str
    number: int  # 0: no heading
    blocks: tuple[ParagraphOut | ChartOut, ...]
    figures: tuple[str, ...]  # names used in its printed sentences


@dataclass(frozen=True)
class MissingSentence:
    section: str
    line: int
    source: str
    missing: tuple[Missing, ...]


@dataclass
class Report:
    spec: ReportSpec
    scope: Scope
    layout: Layout
    issuer: str
    sections: list[SectionOut]
    missing: list[MissingSentence]
    evaluator: Evaluator
    builtins: dict[str, str] = field(default_factory=dict)
    # Built on sample data (the demo's constructed values): said on the report.
    sample: bool = False

    @property
    def figures(self) -> dict[str, Result]:
        return {
            name: self.evaluator.figure(name)
            for name in dict.fromkeys(p.name for p in placeholders(self.spec))
            if name in {f.name for f in self.spec.figures}
        }

    def text(self) -> str:
        """The body as plain text, paragraph by paragraph."""
        lines = []
        for section in self.sections:
            if section.number:
                lines.append(f"{section.number}. {section.title}")
            lines += [b.text for b in section.blocks if isinstance(b, ParagraphOut)]
        return "\n".join(lines)

    def children(self, name: str, level: int | None = None) -> list[ChildValue]:
        return self.evaluator.children(name, level)

    @property
    def file_stem(self) -> str:
        code = self.scope.unit_code or "toan-quoc"
        return f"{self.spec.code}-{code}-{self.scope.phase}"


def builtins(scope: Scope, issuer_name: str) -> dict[str, str]:
    unit = scope.unit
    if unit is None:
        name, kind, title = "toàn quốc", "quốc", "cả nước"
    else:
        name = _short(unit)
        kind = UNIT_KIND_VI.get(unit.type, "")
        title = f"{kind} {name}".strip()
    return {
        "unit_name": name,
        "unit_title": title,
        "unit_kind": kind,
        "start_year": str(scope.start),
        "end_year": str(scope.end),
        "phase": f"{scope.start} - {scope.end}"
        if scope.start != scope.end
        else str(scope.end),
        "phase_years": str(scope.phase_years),
        "next_end_year": str(scope.next_end),
        "issuer_name": issuer_name,
    }


def _render(
    parts: tuple[Part, ...], evaluator: Evaluator, values: dict[str, str]
) -> tuple[tuple[Piece, ...], list[Missing]]:
    pieces: list[Piece] = []
    missing: list[Missing] = []
    for part in parts:
        if isinstance(part, str):
            pieces.append(part)
            continue
        if part.name in values:
            pieces.append(values[part.name])
            continue
        result = evaluator.figure(part.name)
        if isinstance(result, Missing):
            missing.append(result)
            continue
        pieces.append(
            FigureText(part.name, notation.apply(result, part.filters), part.source)
        )
    return tuple(pieces), missing


def _plain(
    parts: tuple[Part, ...], evaluator: Evaluator, values: dict[str, str]
) -> str:
    pieces, _ = _render(parts, evaluator, values)
    return "".join(p if isinstance(p, str) else p.text for p in pieces)


def compose(
    spec: ReportSpec,
    scope: Scope,
    *,
    issuer: str | None = None,
    number: str = "",
    day: datetime.date | None = None,
    signer: str = "",
) -> Report:
    """The report of `spec` for `scope`, in the format of `issuer` (default:
    the template's)."""
    kind = issuer or spec.issuer
    evaluator = Evaluator(spec, scope)
    evaluator.prefetch(f.name for f in spec.figures)
    provisional = layout(
        kind=kind,
        unit=scope.unit,
        title=spec.title,
        subject="",
        type_code=spec.type_code,
        number=number,
        day=day or datetime.date.today(),  # noqa: DTZ011 - a calendar day
    )
    values = builtins(scope, provisional.issuer_name)
    subject = _plain(spec.subject, evaluator, values)
    recipients = tuple(_plain(r, evaluator, values) for r in spec.recipients)
    page = layout(
        kind=kind,
        unit=scope.unit,
        title=spec.title,
        subject=subject,
        type_code=spec.type_code,
        number=number,
        day=day or datetime.date.today(),  # noqa: DTZ011 - a calendar day
        signer=signer,
        recipients=recipients,
    )
    sections: list[SectionOut] = []
    missing: list[MissingSentence] = []
    heading = 0
    for section in spec.sections:
        out = _section(section, evaluator, values, missing)
        if not out.blocks:
            continue
        if section.title:
            heading += 1
        sections.append(
            SectionOut(
                out.key,
                out.title,
                heading if section.title else 0,
                out.blocks,
                out.figures,
            )
        )
    return Report(
        spec=spec,
        scope=scope,
        layout=page,
        issuer=kind,
        sections=sections,
        missing=missing,
        evaluator=evaluator,
        builtins=values,
        sample=_sample(scope),
    )


def _sample(scope: Scope) -> bool:
    """Whether the unit's subtree holds sample units (the demo's villages),
    whose figures are then sample data too."""
    from vandong.geo.models import Unit

    units = Unit.objects.filter(is_sample=True)
    if scope.unit is not None:
        units = units.within(scope.unit)
    return units.exists()


def _section(
    section: SectionDef,
    evaluator: Evaluator,
    values: dict[str, str],
    missing: list[MissingSentence],
) -> SectionOut:
    blocks: list[ParagraphOut | ChartOut] = []
    used: list[str] = []
    for index, block in enumerate(section.blocks):
        if isinstance(block, ChartDef):
            blocks.append(chart_out(section.key, index, block))
            continue
        if not isinstance(block, Paragraph):
            continue
        sentences = []
        for sentence in block.sentences:
            pieces, lacking = _render(sentence.parts, evaluator, values)
            if lacking:
                missing.append(
                    MissingSentence(
                        section.key, sentence.line, sentence.source, tuple(lacking)
                    )
                )
                continue
            sentences.append(Sentence(pieces, sentence.line))
            used += [p.name for p in pieces if isinstance(p, FigureText)]
        if sentences:
            blocks.append(ParagraphOut(tuple(sentences)))
    return SectionOut(
        section.key, section.title, 0, tuple(blocks), tuple(dict.fromkeys(used))
    )


__all__ = [
    "ChartOut",
    "Figure",
    "FigureText",
    "Missing",
    "ParagraphOut",
    "Placeholder",
    "Report",
    "SectionOut",
    "compose",
]
