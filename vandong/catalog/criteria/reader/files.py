"""Reading files: one, or several, each province layer after the set it
extends (`extends` chains that loop are told)."""

from collections.abc import Iterable, Mapping
from pathlib import Path

from vandong.catalog.criteria.reader.loader import _load, _Map, _peek
from vandong.catalog.criteria.reader.problems import (
    CriteriaFileError,
    CriteriaProblem,
    _cycle_problem,
)
from vandong.catalog.criteria.reader.schema import KnownElement
from vandong.catalog.criteria.reader.sets import _SetReader
from vandong.catalog.criteria.spec import CriteriaSetSpec


def criteria_set_read(
    text: str,
    *,
    file: str,
    elements: Mapping[str, KnownElement],
    known_sets: Mapping[str, CriteriaSetSpec] | None = None,
) -> CriteriaSetSpec:
    """Read one file; a province layer comes back merged with the set it
    extends, which must be in `known_sets`. Raises CriteriaFileError."""
    problems: list[CriteriaProblem] = []
    data = _load(text, file, problems)
    spec = None
    if data is not None:
        spec = _SetReader(file, elements, problems).read(data, known_sets or {})
    if problems or spec is None:
        raise CriteriaFileError(sorted(problems, key=lambda p: p.line))
    return spec


def criteria_sets_read(
    paths: Iterable[Path],
    *,
    elements: Mapping[str, KnownElement],
    known_sets: Mapping[str, CriteriaSetSpec] | None = None,
) -> list[CriteriaSetSpec]:
    """Read several files, each layer after the set it extends (another of
    the files or one of `known_sets`), in the order given. Raises one
    CriteriaFileError with the problems of all files."""
    problems: list[CriteriaProblem] = []
    loaded: list[tuple[str, _Map]] = []
    names: list[str] = []
    for path in paths:
        names.append(path.name)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(
                CriteriaProblem(
                    path.name,
                    0,
                    "",
                    f"không đọc được tệp ({exc.__class__.__name__}); cần văn bản UTF-8",
                    f"cannot read the file ({exc.__class__.__name__}); UTF-8 text expected",
                )
            )
            continue
        data = _load(text, path.name, problems)
        if data is not None:
            loaded.append((path.name, data))

    by_code: dict[str, int] = {}
    for index, (name, data) in enumerate(loaded):
        code = _peek(data, "code")
        if not code:
            continue
        if code in by_code:
            problems.append(
                CriteriaProblem(
                    name,
                    data.key_lines["code"],
                    "code",
                    f"mã bộ tiêu chí “{code}” đã dùng trong tệp {loaded[by_code[code]][0]}",
                    f"criteria set code '{code}' is already used in file "
                    f"{loaded[by_code[code]][0]}",
                )
            )
        else:
            by_code[code] = index
    base_of = {
        index: by_code[ext]
        for index, (_, data) in enumerate(loaded)
        if (ext := _peek(data, "extends")) in by_code and by_code[ext] != index
    }
    cyclic = _cycles(loaded, base_of, problems)

    results: dict[int, CriteriaSetSpec | None] = {}

    def build(index: int) -> CriteriaSetSpec | None:
        if index in results:
            return results[index]
        name, data = loaded[index]
        bases = dict(known_sets or {})
        silent: set[str] = set()
        extends = _peek(data, "extends")
        if index in base_of:
            base_index = base_of[index]
            cut = index in cyclic or base_index in cyclic
            base = None if cut else build(base_index)
            if base is None:  # its problems are reported in its own file
                silent.add(extends)
                bases.pop(extends, None)
            else:
                bases[extends] = base
        results[index] = _SetReader(name, elements, problems, silent).read(data, bases)
        return results[index]

    specs = [build(index) for index in range(len(loaded))]
    if problems:
        # Files in the order given, each top to bottom.
        order = {name: index for index, name in enumerate(names)}
        raise CriteriaFileError(
            sorted(problems, key=lambda p: (order.get(p.file, 0), p.line))
        )
    return [spec for spec in specs if spec is not None]


def _cycles(
    loaded: list[tuple[str, _Map]],
    base_of: dict[int, int],
    problems: list[CriteriaProblem],
) -> set[int]:
    """Files whose `extends` chain comes back to themselves; each is told."""
    cyclic: set[int] = set()
    for start in base_of:
        chain = [start]
        while chain[-1] in base_of and base_of[chain[-1]] not in chain:
            chain.append(base_of[chain[-1]])
        if chain[-1] in base_of and base_of[chain[-1]] == start:
            cyclic.add(start)
            codes = [_peek(loaded[i][1], "code") for i in [*chain, start]]
            name, data = loaded[start]
            problems.append(_cycle_problem(name, data.key_lines["extends"], codes))
    return cyclic
