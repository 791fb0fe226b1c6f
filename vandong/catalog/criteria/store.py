"""Criteria sets between their spec (`spec.py`) and the database.

`criteria_sets_load` stores the shipped files (or given ones) all or nothing:
every file is read and checked first. A set not in the database is created;
a file with a higher version replaces the stored definition (thresholds
included: the file is the newer truth); the same version leaves the stored
set, and an administrator's threshold edits, as they are. `spec_from_db`
builds the spec the engine evaluates, thresholds as edited.
"""

import datetime
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from vandong.catalog.criteria.models import (
    CriteriaSet,
    Criterion,
    Indicator,
    Threshold,
)
from vandong.catalog.criteria.reader import (
    SETS_DIR,
    KnownElement,
    criteria_set_read,
    criteria_sets_read,
)
from vandong.catalog.criteria.spec import (
    ConditionSpec,
    CriteriaSetSpec,
    CriterionSpec,
    IndicatorSpec,
    LegalBasis,
    Source,
    ValueSpec,
)
from vandong.catalog.criteria.spec import Threshold as ThresholdSpec
from vandong.catalog.models import DataElement
from vandong.core.audit import audit_record
from vandong.core.models import AuditEntry, Channel

Progress = Callable[[str], None]


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def changed(self) -> list[str]:
        return self.created + self.replaced


def known_elements() -> dict[str, KnownElement]:
    return {
        code: KnownElement(code=code, level=level, value_type=value_type)
        for code, level, value_type in DataElement.objects.values_list(
            "code", "level", "value_type"
        )
    }


def shipped_files() -> list[Path]:
    return sorted(SETS_DIR.glob("*.yaml"))


def stored_specs() -> dict[str, CriteriaSetSpec]:
    return {s.code: spec_from_db(s) for s in CriteriaSet.objects.all()}


def criteria_sets_load(
    paths: Iterable[Path] | None = None,
    *,
    actor: Any = None,
    channel: str = Channel.CLI,
) -> LoadReport:
    """Read, check and store criteria-set files (the shipped ones by default).
    Raises CriteriaFileError listing every problem; stores nothing then."""
    started = time.monotonic()
    files = list(paths) if paths is not None else shipped_files()
    specs = criteria_sets_read(
        files, elements=known_elements(), known_sets=stored_specs()
    )
    texts = {
        spec.code: (path, path.read_text("utf-8")) for spec, path in _pair(specs, files)
    }
    report = LoadReport()
    with transaction.atomic():
        for spec in specs:
            path, text = texts[spec.code]
            _store(
                spec,
                file=path.name,
                text=text,
                actor=actor,
                channel=channel,
                report=report,
            )
    report.seconds = time.monotonic() - started
    return report


def criteria_set_upload(
    text: str, *, file: str, actor: Any, channel: str = Channel.WEB
) -> tuple[CriteriaSet, str]:
    """Store one uploaded file (from the admin). Returns the set and what
    happened: "created", "replaced" or "unchanged"."""
    spec = criteria_set_read(
        text, file=file, elements=known_elements(), known_sets=stored_specs()
    )
    report = LoadReport()
    with transaction.atomic():
        stored = _store(
            spec, file=file, text=text, actor=actor, channel=channel, report=report
        )
    outcome = (
        "created" if report.created else "replaced" if report.replaced else "unchanged"
    )
    return stored, outcome


def _pair(
    specs: list[CriteriaSetSpec], files: list[Path]
) -> Iterable[tuple[CriteriaSetSpec, Path]]:
    # criteria_sets_read returns one spec per file, in file order.
    return zip(specs, files, strict=True)


def _store(
    spec: CriteriaSetSpec,
    *,
    file: str,
    text: str,
    actor: Any,
    channel: str,
    report: LoadReport,
) -> CriteriaSet:
    stored = CriteriaSet.objects.filter(code=spec.code).first()
    if stored is not None and stored.version >= spec.version:
        report.unchanged.append(spec.code)
        return stored
    fields = _set_fields(spec, file=file, text=text)
    if stored is None:
        stored = CriteriaSet.objects.create(code=spec.code, **fields)
        report.created.append(spec.code)
        action, old = AuditEntry.Action.CREATE, None
    else:
        old = {"version": stored.version}
        for name, value in fields.items():
            setattr(stored, name, value)
        stored.save()
        stored.criteria.all().delete()
        report.replaced.append(spec.code)
        action = AuditEntry.Action.UPDATE
    _store_criteria(stored, spec)
    audit_record(
        actor=actor,
        channel=channel,
        action=action,
        entity="criteria_set",
        entity_id=spec.code,
        old=old,
        new={"version": spec.version, "file": file},
    )
    return stored


def _set_fields(spec: CriteriaSetSpec, *, file: str, text: str) -> dict[str, Any]:
    return {
        "version": spec.version,
        "kind": spec.kind,
        "name_vi": spec.name_vi,
        "name_en": spec.name_en,
        "level": spec.level,
        "unit_types": list(spec.unit_types),
        "threshold_key": spec.threshold_key,
        "valid_from": spec.valid_from,
        "valid_to": spec.valid_to,
        "at_least": spec.at_least,
        "province": spec.province,
        "extends": spec.extends,
        "recognition_element": spec.recognition_element,
        "legal_basis": [_jsonable(asdict(b)) for b in spec.legal_basis],
        "notes_vi": spec.notes_vi,
        "notes_en": spec.notes_en,
        "undefined": list(spec.undefined),
        "source_file": file[:200],
        "source_text": text,
        "is_active": True,
    }


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    return {
        k: v.isoformat() if isinstance(v, datetime.date) else v for k, v in data.items()
    }


def _store_criteria(stored: CriteriaSet, spec: CriteriaSetSpec) -> None:
    thresholds: list[Threshold] = []
    for c_order, criterion in enumerate(spec.criteria):
        row = Criterion.objects.create(
            criteria_set=stored,
            code=criterion.code,
            order=c_order,
            name_vi=criterion.name_vi,
            name_en=criterion.name_en,
            group_vi=criterion.group_vi,
            at_least=criterion.at_least,
        )
        for i_order, indicator in enumerate(criterion.indicators):
            item = Indicator.objects.create(
                criterion=row,
                code=indicator.code,
                order=i_order,
                name_vi=indicator.name_vi,
                name_en=indicator.name_en,
                measure=indicator.measure,
                at_least=indicator.at_least,
                conditions=[
                    {"value": _value_json(c.value), "comparator": c.comparator}
                    for c in indicator.conditions
                ],
                source=_jsonable(asdict(indicator.source)),
                verified=indicator.source.verified,
                undefined_vi=indicator.undefined_vi,
                undefined_en=indicator.undefined_en,
            )
            for number, condition in enumerate(indicator.conditions):
                thresholds.extend(
                    Threshold(
                        indicator=item,
                        condition=number,
                        key=t.key,
                        year=t.year,
                        value=t.value,
                        verified=t.source.verified,
                        document=t.source.document[:120],
                        appendix=t.source.appendix[:120],
                        row=t.source.row[:40],
                        url=t.source.url[:500],
                        note=t.source.note[:500],
                    )
                    for t in condition.thresholds
                )
    Threshold.objects.bulk_create(thresholds)


def _value_json(value: ValueSpec) -> dict[str, Any]:
    return {k: v for k, v in asdict(value).items() if v}


_SPECS: dict[int, tuple[tuple[int, object], CriteriaSetSpec]] = {}


def spec_cached(stored: CriteriaSet) -> CriteriaSetSpec:
    """`spec_from_db`, kept per process while the set's version and
    `updated_at` stay the same (a threshold edit touches `updated_at`):
    re-evaluating one commune after a cell is saved should not rebuild ~50
    indicators from three queries each time."""
    key = (stored.version, stored.updated_at)
    hit = _SPECS.get(stored.pk)
    if hit is not None and hit[0] == key:
        return hit[1]
    spec = spec_from_db(stored)
    _SPECS[stored.pk] = (key, spec)
    return spec


def forget(set_id: int) -> None:
    """Drop a set's cached spec (its definition changed)."""
    _SPECS.pop(set_id, None)


def touch(stored: CriteriaSet) -> None:
    """Mark a set changed (its thresholds were edited)."""
    stored.updated_at = timezone.now()
    CriteriaSet.objects.filter(pk=stored.pk).update(updated_at=stored.updated_at)


def spec_from_db(stored: CriteriaSet) -> CriteriaSetSpec:
    """The set as stored, thresholds as an administrator left them."""
    criteria = list(stored.criteria.all())
    indicators: dict[int, list[Indicator]] = {}
    for item in Indicator.objects.filter(criterion__criteria_set=stored):
        indicators.setdefault(item.criterion_id, []).append(item)
    thresholds: dict[tuple[int, int], list[ThresholdSpec]] = {}
    for t in Threshold.objects.filter(indicator__criterion__criteria_set=stored):
        source = Source(
            document=t.document,
            appendix=t.appendix,
            row=t.row,
            url=t.url,
            verified=t.verified,
            note=t.note,
        )
        thresholds.setdefault((t.indicator_id, t.condition), []).append(
            ThresholdSpec(value=t.value, source=source, key=t.key, year=t.year)
        )
    return CriteriaSetSpec(
        code=stored.code,
        version=stored.version,
        name_vi=stored.name_vi,
        name_en=stored.name_en,
        kind=stored.kind,
        level=stored.level,
        unit_types=tuple(stored.unit_types),
        threshold_key=stored.threshold_key,  # type: ignore[arg-type]
        valid_from=stored.valid_from,
        valid_to=stored.valid_to,
        legal_basis=tuple(
            LegalBasis(
                document=b["document"],
                date=datetime.date.fromisoformat(b["date"]),
                title_vi=b.get("title_vi", ""),
                part=b.get("part", ""),
                url=b.get("url", ""),
            )
            for b in stored.legal_basis
        ),
        criteria=tuple(
            CriterionSpec(
                code=c.code,
                name_vi=c.name_vi,
                name_en=c.name_en,
                group_vi=c.group_vi,
                at_least=c.at_least,
                indicators=tuple(
                    _indicator_spec(i, thresholds)
                    for i in sorted(indicators.get(c.pk, []), key=lambda i: i.order)
                ),
            )
            for c in criteria
        ),
        at_least=stored.at_least,
        province=stored.province,
        extends=stored.extends,
        recognition_element=stored.recognition_element,
        notes_vi=stored.notes_vi,
        notes_en=stored.notes_en,
        undefined=tuple(stored.undefined),
    )


def _indicator_spec(
    item: Indicator, thresholds: dict[tuple[int, int], list[ThresholdSpec]]
) -> IndicatorSpec:
    source = dict(item.source)
    day = source.pop("date", None)
    return IndicatorSpec(
        code=item.code,
        name_vi=item.name_vi,
        name_en=item.name_en,
        measure=item.measure,
        at_least=item.at_least,
        undefined_vi=item.undefined_vi,
        undefined_en=item.undefined_en,
        source=Source(
            date=datetime.date.fromisoformat(day) if day else None,
            **{k: v for k, v in source.items() if k in _SOURCE_FIELDS},
        ),
        conditions=tuple(
            ConditionSpec(
                value=ValueSpec(**condition["value"]),
                comparator=condition["comparator"],
                thresholds=tuple(thresholds.get((item.pk, number), [])),
            )
            for number, condition in enumerate(item.conditions)
        ),
    )


_SOURCE_FIELDS = frozenset({"document", "appendix", "row", "url", "verified", "note"})
