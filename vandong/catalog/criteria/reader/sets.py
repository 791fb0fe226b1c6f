"""One whole file: the set's own fields, its criteria, and a province layer
merged with the set it extends."""

from collections.abc import Mapping
from typing import cast

from vandong.catalog.criteria.reader.criteria import _Criteria
from vandong.catalog.criteria.reader.fields import _Here, _Rules
from vandong.catalog.criteria.reader.layers import _Layers
from vandong.catalog.criteria.reader.loader import _Map, _Seq
from vandong.catalog.criteria.reader.schema import (
    FORMAT,
    LAYER_INHERITED,
    LEGAL_OPTIONAL,
    LEGAL_REQUIRED,
    SET_CODE_MAX,
    SET_CODE_RE,
    SET_OPTIONAL,
    SET_REQUIRED,
)
from vandong.catalog.criteria.spec import CriteriaSetSpec, LegalBasis, ThresholdKey


class _SetReader(_Layers, _Criteria):
    """Reads one file into a `CriteriaSetSpec`, every problem appended to
    the list it was given."""

    def read(
        self, data: _Map, known_sets: Mapping[str, CriteriaSetSpec]
    ) -> CriteriaSetSpec | None:
        self.known_sets = known_sets
        top = _Here(data, "")
        is_layer = bool(data.get("province") or data.get("extends"))
        required = [k for k in SET_REQUIRED if not (is_layer and k in LAYER_INHERITED)]
        self.keys(top, required, (*SET_OPTIONAL, *LAYER_INHERITED))

        if "format" in data and data["format"] != FORMAT:
            self.bad(
                top,
                "format",
                f"định dạng “{data['format']}” không đọc được; dùng format: {FORMAT}",
                f"format '{data['format']}' cannot be read; use format: {FORMAT}",
            )
        code = data.get("code")
        if code is not None and not (
            isinstance(code, str)
            and SET_CODE_RE.match(code)
            and len(code) <= SET_CODE_MAX
        ):
            self.bad(
                top,
                "code",
                f"mã bộ tiêu chí “{code}” không hợp lệ: chữ thường không dấu, số và "
                f"gạch ngang, như “ntm-xa-2021-2025”, tối đa {SET_CODE_MAX} ký tự",
                f"criteria set code '{code}' is not valid: lower-case letters, digits "
                f"and dashes, like 'ntm-xa-2021-2025', at most {SET_CODE_MAX} characters",
            )
            code = ""
        code = code or ""
        version = self.whole(top, "version", 1)
        name_vi = self.text(top, "name_vi", required=True)
        name_en = self.text(top, "name_en", required=True)
        valid_from = self.date(top, "valid_from")
        valid_to = self.date(top, "valid_to")
        if valid_from and valid_to and valid_from > valid_to:
            self.bad(
                top,
                "valid_to",
                f"“valid_to” ({valid_to}) trước “valid_from” ({valid_from})",
                f"'valid_to' ({valid_to}) is before 'valid_from' ({valid_from})",
            )
        legal_basis = tuple(
            lb
            for index, h in enumerate(self.items(top, "legal_basis", required=True))
            if (lb := self.legal(h, index))
        )
        undefined = self.sentences(top, "undefined")
        notes_vi, notes_en = self.text(top, "notes_vi"), self.text(top, "notes_en")

        base = self.layer_base(top, code) if is_layer else None
        kind = self.set_kind(top, base)
        level = self.set_level(top, base)
        unit_types = self.unit_types(top, level, base)
        threshold_key = self.threshold_key(top, base)
        rules = _Rules(level, threshold_key)

        criteria = self.criteria(top, rules, is_layer, base)
        at_least = self.at_least(top, len(criteria))
        recognition = ""
        if "recognition_element" in data:
            recognition, _ = self.element(
                top, "recognition_element", level, boolean=True
            )
        elif base is not None:
            recognition = base.recognition_element

        if not self.ok or version is None or valid_from is None or kind is None:
            return None
        if level is None or threshold_key is None:
            return None
        if base is not None:
            legal_basis = base.legal_basis + legal_basis
            undefined = base.undefined + undefined
            notes_vi = notes_vi if "notes_vi" in data else base.notes_vi
            notes_en = notes_en if "notes_en" in data else base.notes_en
            if "at_least" not in data:
                at_least = base.at_least
        return CriteriaSetSpec(
            code=code,
            version=version,
            name_vi=name_vi,
            name_en=name_en,
            kind=kind,
            level=level,
            unit_types=unit_types,
            threshold_key=cast(ThresholdKey, threshold_key),
            valid_from=valid_from,
            valid_to=valid_to,
            legal_basis=legal_basis,
            criteria=criteria,
            at_least=at_least,
            province=self.text(top, "province"),
            extends=self.text(top, "extends"),
            recognition_element=recognition,
            notes_vi=notes_vi,
            notes_en=notes_en,
            undefined=undefined,
        )

    def legal(self, here: _Here, index: int) -> LegalBasis | None:
        here = here.named(f"căn cứ pháp lý thứ {index + 1}", f"legal basis {index + 1}")
        self.keys(here, LEGAL_REQUIRED, LEGAL_OPTIONAL)
        document = self.text(here, "document", required=True)
        date = self.date(here, "date")
        title_vi, part, url = (self.text(here, k) for k in ("title_vi", "part", "url"))
        if not document or date is None:
            return None
        return LegalBasis(
            document=document, date=date, title_vi=title_vi, part=part, url=url
        )

    def sentences(self, top: _Here, key: str) -> tuple[str, ...]:
        value = top.m.get(key)
        if value is None:
            return ()
        if not isinstance(value, _Seq) or not all(
            isinstance(s, str) and s.strip() for s in value
        ):
            self.bad(
                top,
                key,
                f"“{key}” phải là một danh sách câu chữ không rỗng",
                f"'{key}' must be a list of non-empty sentences",
            )
            return ()
        return tuple(s.strip() for s in value)
