"""Identifiers of a DHIS2 instance and the local objects they stand for.

Everything an import or export needs is loaded once per file (a fixed number
of queries, whatever the file's size) into `Tables`:

- `ExternalMapping` rows, one namespace per id scheme: `system="dhis2"` holds
  UIDs, `"dhis2:code"` DHIS2 codes, `"dhis2:name"` DHIS2 names. A row of kind
  org_unit/data_set/period/data_element maps an identifier (for a data element
  together with its category option combo and attribute option combo) to a
  local code. Several namespaces may map to the same local code; the local
  code is what links a UID to a code, so an export can mix schemes (data
  element by UID, categories by code).
- kind-less rows (`kind=""`) describe category option combos for ADX:
  `external_id` lists the combo's options as `category=option` pairs joined by
  ";" (`sex=F;age=under5`) and `category_option_combo` names the combo, both in
  the row's namespace. A kind-less row with an empty `external_id` declares
  the instance's default combo (besides DHIS2's fixed `HllvX50cXC0`/"default").
- an org unit row's `local_code` may carry the day on which the code names the
  unit (`03388@2025-07-01`), for codes reused at the 2025 reform.
- the catalog's own identifiers: `DataElement.code/dhis2_uid/name_vi`,
  `DataSet.code/dhis2_uid/name_vi`, `Period.code` and dates; unit codes and
  names are looked up for the identifiers a file actually holds.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from vandong.catalog.models import DataElement, DataSet, Period
from vandong.collect.models import ExternalMapping
from vandong.core.errors import DomainError
from vandong.geo.models import Unit

UID = "uid"
CODE = "code"
NAME = "name"
AUTO = "auto"
SCHEMES = (UID, CODE, NAME)

SYSTEM = "dhis2"
NAMESPACE = {UID: SYSTEM, CODE: f"{SYSTEM}:code", NAME: f"{SYSTEM}:name"}

ORG_UNIT = ExternalMapping.Kind.ORG_UNIT.value
DATA_SET = ExternalMapping.Kind.DATA_SET.value
PERIOD = ExternalMapping.Kind.PERIOD.value
DATA_ELEMENT = ExternalMapping.Kind.DATA_ELEMENT.value
COMBO = ""  # kind-less rows: category options -> category option combo

# DHIS2 creates its default category option combo with this fixed UID, named
# (and usually coded) "default"; an empty identifier also means the default.
BUILTIN_DEFAULT_COMBOS = {
    UID: {"", "HllvX50cXC0"},
    CODE: {"", "default"},
    NAME: {"", "default"},
}

# Unit codes and names are looked up in batches this large.
_CHUNK = 500

Pairs = tuple[tuple[str, str], ...]
T = TypeVar("T")


def scheme_of(value: str | None, *, allow_auto: bool, default: str) -> str:
    """An id scheme named by a caller or a file ("UID", "code"...), checked."""
    if value is None or not str(value).strip():
        return default
    scheme = str(value).strip().lower()
    allowed = (*SCHEMES, AUTO) if allow_auto else SCHEMES
    if scheme not in allowed:
        names = ", ".join(allowed)
        raise DomainError(
            "invalid_id_scheme",
            f"Không có cách định danh “{value}”; chọn một trong: {names}.",
            f"No id scheme '{value}'; choose one of: {names}.",
            field="id_scheme",
        )
    return scheme


def concrete(scheme: str) -> tuple[str, ...]:
    """The schemes tried, in order: auto tries UIDs, then codes."""
    return (UID, CODE) if scheme == AUTO else (scheme,)


def _invalid_mapping(row_id: int, problem_vi: str, problem_en: str) -> DomainError:
    return DomainError(
        "invalid_mapping",
        f"Dòng ánh xạ DHIS2 số {row_id} không hợp lệ: {problem_vi}.",
        f"DHIS2 mapping row #{row_id} is invalid: {problem_en}.",
        field="external_mapping",
    )


def parse_options(text: str, *, row_id: int = 0) -> Pairs:
    """`sex=F;age=under5` as (("sex", "F"), ("age", "under5")), in that order."""
    pairs: list[tuple[str, str]] = []
    for part in text.split(";"):
        if not part.strip():
            continue
        category, sep, option = part.partition("=")
        if not sep or not category.strip() or not option.strip():
            raise _invalid_mapping(
                row_id,
                f"“{part.strip()}” phải có dạng danh_mục=phương_án",
                f"'{part.strip()}' must read category=option",
            )
        pairs.append((category.strip(), option.strip()))
    if len({c for c, _ in pairs}) != len(pairs):
        raise _invalid_mapping(
            row_id,
            f"một danh mục xuất hiện hai lần trong “{text}”",
            f"a category appears twice in '{text}'",
        )
    return tuple(pairs)


def split_unit_code(
    local_code: str, *, row_id: int = 0
) -> tuple[str, datetime.date | None]:
    """`03388@2025-07-01` as ("03388", 2025-07-01); a bare code has no day."""
    code, sep, day = local_code.partition("@")
    if not sep:
        return code.strip(), None
    try:
        return code.strip(), datetime.date.fromisoformat(day.strip())
    except ValueError:
        raise _invalid_mapping(
            row_id,
            f"ngày “{day}” sau @ phải viết YYYY-MM-DD",
            f"the day '{day}' after @ must read YYYY-MM-DD",
        ) from None


@dataclass(frozen=True, slots=True)
class Mapped:
    """One mapping row as an export reads it."""

    external_id: str
    category_option_combo: str
    attribute_option_combo: str


@dataclass
class Tables:
    # (namespace, kind, external_id, coc, aoc) -> local code
    forward: dict[tuple[str, str, str, str, str], str] = field(default_factory=dict)
    # data element rows: (namespace, external id) -> local codes, and
    # (namespace, coc, aoc) -> local codes (links a UID to a code)
    by_element: dict[tuple[str, str], set[str]] = field(
        default_factory=lambda: defaultdict(set)
    )
    by_combo: dict[tuple[str, str, str], set[str]] = field(
        default_factory=lambda: defaultdict(set)
    )
    # (namespace, kind, local code) -> the first row entered for it
    backward: dict[tuple[str, str, str], Mapped] = field(default_factory=dict)
    # (namespace, unit code) -> [(day or None, external id)] in entry order
    unit_rows: dict[tuple[str, str], list[tuple[datetime.date | None, str]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    # namespace -> {set of (category, option)} -> combo identifier
    combos: dict[str, dict[frozenset[tuple[str, str]], str]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    # (namespace, combo identifier) -> its (category, option) pairs, as entered
    combo_options: dict[tuple[str, str], Pairs] = field(default_factory=dict)
    defaults: dict[str, set[str]] = field(
        default_factory=lambda: {
            NAMESPACE[s]: set(v) for s, v in BUILTIN_DEFAULT_COMBOS.items()
        }
    )
    # catalog: code -> value type; uid -> code; name -> codes
    element_types: dict[str, str] = field(default_factory=dict)
    element_uids: dict[str, str] = field(default_factory=dict)
    element_by_uid: dict[str, str] = field(default_factory=dict)
    element_names: dict[str, str] = field(default_factory=dict)
    element_by_name: dict[str, list[str]] = field(
        default_factory=lambda: defaultdict(list)
    )
    data_set_uids: dict[str, str] = field(default_factory=dict)
    data_set_by_uid: dict[str, str] = field(default_factory=dict)
    data_set_names: dict[str, str] = field(default_factory=dict)
    data_set_by_name: dict[str, list[str]] = field(
        default_factory=lambda: defaultdict(list)
    )
    period_dates: dict[str, tuple[datetime.date, datetime.date]] = field(
        default_factory=dict
    )
    period_by_dates: dict[tuple[datetime.date, datetime.date], str] = field(
        default_factory=dict
    )

    @classmethod
    def load(cls) -> "Tables":
        """Mapping rows, data elements, data sets and periods: four queries."""
        tables = cls()
        rows = (
            ExternalMapping.objects.filter(system__in=NAMESPACE.values())
            .order_by("id")
            .values_list(
                "id",
                "system",
                "kind",
                "external_id",
                "category_option_combo",
                "attribute_option_combo",
                "local_code",
            )
        )
        for row_id, ns, kind, ext, coc, aoc, local in rows:
            tables._add_row(
                row_id, ns, kind, ext.strip(), coc.strip(), aoc.strip(), local.strip()
            )
        for code, uid, name, value_type in DataElement.objects.values_list(
            "code", "dhis2_uid", "name_vi", "value_type"
        ):
            tables.element_types[code] = value_type
            tables.element_names[code] = name
            tables.element_by_name[name].append(code)
            if uid:
                tables.element_uids[code] = uid
                tables.element_by_uid[uid] = code
        for code, uid, name in DataSet.objects.values_list(
            "code", "dhis2_uid", "name_vi"
        ):
            tables.data_set_names[code] = name
            tables.data_set_by_name[name].append(code)
            if uid:
                tables.data_set_uids[code] = uid
                tables.data_set_by_uid.setdefault(uid, code)
        for code, start, end in Period.objects.values_list("code", "start", "end"):
            tables.period_dates[code] = (start, end)
            tables.period_by_dates.setdefault((start, end), code)
        return tables

    def _add_row(
        self, row_id: int, ns: str, kind: str, ext: str, coc: str, aoc: str, local: str
    ) -> None:
        if kind == COMBO:
            if not coc:
                raise _invalid_mapping(
                    row_id,
                    "dòng tổ hợp phương án phải ghi category_option_combo",
                    "a category option combo row needs category_option_combo",
                )
            pairs = parse_options(ext, row_id=row_id)
            if not pairs:
                self.defaults[ns].add(coc)
                return
            self.combos[ns].setdefault(frozenset(pairs), coc)
            self.combo_options.setdefault((ns, coc), pairs)
            return
        self.forward[(ns, kind, ext, coc, aoc)] = local
        if kind == ORG_UNIT:
            code, day = split_unit_code(local, row_id=row_id)
            self.unit_rows[(ns, code)].append((day, ext))
            self.forward[(ns, kind, ext, coc, aoc)] = code
            return
        if kind == DATA_ELEMENT:
            self.by_element[(ns, ext)].add(local)
            self.by_combo[(ns, coc, aoc)].add(local)
        self.backward.setdefault((ns, kind, local), Mapped(ext, coc, aoc))

    def is_default_combo(self, scheme: str, combo: str) -> bool:
        return combo in self.defaults[NAMESPACE[scheme]]

    def unit_external_id(
        self,
        scheme: str,
        code: str,
        valid_from: datetime.date | None,
        valid_to: datetime.date | None,
    ) -> str | None:
        """The identifier of a unit in a namespace: a row dated on a day the unit
        exists wins over an undated row; the first row entered wins among equals."""
        rows = self.unit_rows.get((NAMESPACE[scheme], code), [])
        for day, ext in rows:
            if (
                day is not None
                and (valid_from is None or valid_from <= day)
                and (valid_to is None or day <= valid_to)
            ):
                return ext
        for day, ext in rows:
            if day is None:
                return ext
        return None


def chunks(items: Iterable[T]) -> Iterable[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == _CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def existing_unit_codes(codes: set[str]) -> set[str]:
    """Which of these unit codes exist (on any day)."""
    found: set[str] = set()
    for batch in chunks(sorted(codes)):
        found.update(Unit.objects.filter(code__in=batch).values_list("code", flat=True))
    return found


def unit_codes_by_name(names: set[str]) -> dict[str, set[str]]:
    """The unit codes each name is used by (a name may name several units)."""
    found: dict[str, set[str]] = defaultdict(set)
    for batch in chunks(sorted(names)):
        for name, code in Unit.objects.filter(name__in=batch).values_list(
            "name", "code"
        ):
            found[name].add(code)
    return found
