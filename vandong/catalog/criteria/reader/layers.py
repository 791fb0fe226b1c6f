"""A province layer's base (the set it `extends`) and the set-wide fields a
layer inherits from it or must agree with."""

from vandong.catalog.criteria.reader.fields import _Fields, _Here
from vandong.catalog.criteria.reader.loader import _Seq
from vandong.catalog.criteria.reader.problems import (
    CriteriaProblem,
    _choices,
    _cycle_problem,
)
from vandong.catalog.criteria.reader.schema import PROVINCE_RE
from vandong.catalog.criteria.spec import KINDS, THRESHOLD_KEYS, CriteriaSetSpec
from vandong.geo.models import LEVEL_OF_TYPE


class _Layers(_Fields):
    """The extended set and the fields a layer shares with it."""

    def layer_base(self, top: _Here, code: str) -> CriteriaSetSpec | None:
        """The set a province layer extends, after checking both keys."""
        province = top.m.get("province")
        extends = top.m.get("extends")
        if not (isinstance(province, str) and PROVINCE_RE.match(province)):
            key = "province" if "province" in top.m else "extends"
            self.bad(
                top,
                key,
                f"bộ tiêu chí của tỉnh cần “province”: mã GSO 2 chữ số của tỉnh, viết "
                f"trong ngoặc kép như “01”, không phải “{province or ''}”",
                f"a province layer needs 'province': the province's 2-digit GSO code, "
                f"in quotes like '01', not '{province or ''}'",
            )
        if not isinstance(extends, str) or not extends:
            key = "extends" if "extends" in top.m else "province"
            self.bad(
                top,
                key,
                "bộ tiêu chí của tỉnh cần “extends”: mã bộ tiêu chí quốc gia mà nó bổ sung",
                "a province layer needs 'extends': the code of the national set it "
                "builds on",
            )
            return None
        if extends == code:
            self.problems.append(
                _cycle_problem(self.file, top.line("extends"), [code, code])
            )
            return None
        if extends in self.silent:
            return None
        base = self.known_sets.get(extends)
        if base is None:
            self.bad(
                top,
                "extends",
                f"bộ tiêu chí “{extends}” không có (có: {_choices(sorted(self.known_sets))})",
                f"unknown criteria set '{extends}' (known: "
                f"{_choices(sorted(self.known_sets))})",
            )
            return None
        if base.province and base.province != province:
            self.bad(
                top,
                "extends",
                f"“{extends}” là bộ tiêu chí của tỉnh {base.province}, không phải của "
                f"tỉnh {province}",
                f"'{extends}' is the layer of province {base.province}, not of "
                f"province {province}",
            )
        return base

    def set_kind(self, top: _Here, base: CriteriaSetSpec | None) -> str | None:
        kind = top.m.get("kind")
        if kind is None:
            return base.kind if base else None
        if kind not in KINDS:
            self.bad(
                top,
                "kind",
                f"loại “{kind}” không có; dùng một trong: {_choices(KINDS)}",
                f"unknown kind '{kind}'; use one of: {_choices(KINDS)}",
            )
            return None
        self.same_as_base(top, "kind", kind, base.kind if base else None)
        return str(kind)

    def set_level(self, top: _Here, base: CriteriaSetSpec | None) -> int | None:
        if "level" not in top.m:
            return base.level if base else None
        level = self.level(top, "level")
        self.same_as_base(top, "level", level, base.level if base else None)
        return level

    def same_as_base(
        self, top: _Here, key: str, value: object, expected: object
    ) -> None:
        if expected is not None and value is not None and value != expected:
            self.bad(
                top,
                key,
                f"“{key}” là “{value}”, khác bộ tiêu chí được mở rộng (“{expected}”)",
                f"'{key}' is '{value}', unlike the extended set ('{expected}')",
            )

    def unit_types(
        self, top: _Here, level: int | None, base: CriteriaSetSpec | None
    ) -> tuple[str, ...]:
        if "unit_types" not in top.m and base is not None:
            return base.unit_types
        value = top.m.get("unit_types")
        if not isinstance(value, _Seq) or not value:
            if "unit_types" in top.m:
                self.bad(
                    top,
                    "unit_types",
                    "“unit_types” phải là một danh sách loại đơn vị không rỗng",
                    "'unit_types' must be a non-empty list of unit types",
                )
            return ()
        allowed = [t for t, lv in LEVEL_OF_TYPE.items() if level is None or lv == level]
        found: list[str] = []
        for index, (unit_type, line) in enumerate(
            zip(value, value.item_lines, strict=True)
        ):
            path = f"unit_types[{index}]"
            if unit_type not in allowed or (base and unit_type not in base.unit_types):
                valid = [t for t in allowed if not base or t in base.unit_types]
                self.problems.append(
                    CriteriaProblem(
                        self.file,
                        line,
                        path,
                        f"loại đơn vị “{unit_type}” không dùng được ở đây (hợp lệ: "
                        f"{_choices(valid)})",
                        f"unit type '{unit_type}' cannot be used here (valid: "
                        f"{_choices(valid)})",
                    )
                )
            elif unit_type in found:
                self.problems.append(
                    CriteriaProblem(
                        self.file,
                        line,
                        path,
                        f"loại đơn vị “{unit_type}” viết hai lần",
                        f"unit type '{unit_type}' is written twice",
                    )
                )
            else:
                found.append(str(unit_type))
        return tuple(found)

    def threshold_key(self, top: _Here, base: CriteriaSetSpec | None) -> str | None:
        value = top.m.get("threshold_key")
        if value is None:
            return base.threshold_key if base else None
        if value not in THRESHOLD_KEYS:
            self.bad(
                top,
                "threshold_key",
                f"“threshold_key” “{value}” không có; dùng một trong: "
                f"{_choices(THRESHOLD_KEYS)}",
                f"unknown threshold_key '{value}'; use one of: {_choices(THRESHOLD_KEYS)}",
            )
            return None
        self.same_as_base(
            top, "threshold_key", value, base.threshold_key if base else None
        )
        return str(value)
