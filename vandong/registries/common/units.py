"""Units as the registries read them: by code on a day, and at a level."""

import datetime
from collections.abc import Iterable

from vandong.core.errors import CoreErrorCode, DomainError
from vandong.geo import queries as geo_queries
from vandong.geo.models import Level, Unit
from vandong.registries.common.errors import RegistryErrorCode

LEVEL_NAMES: dict[int, tuple[str, str]] = {
    Level.PROVINCE: ("cấp tỉnh", "province"),
    Level.DISTRICT: ("cấp huyện", "district"),
    Level.COMMUNE: ("cấp xã", "commune"),
    Level.VILLAGE: ("thôn, tổ dân phố", "village"),
}


def check_level(unit: Unit, levels: Iterable[int], field: str = "unit") -> None:
    allowed = sorted(set(levels))
    if unit.level in allowed:
        return
    vi = ", ".join(LEVEL_NAMES[lv][0] for lv in allowed)
    en = " or ".join(LEVEL_NAMES[lv][1] for lv in allowed)
    raise DomainError(
        RegistryErrorCode.WRONG_LEVEL,
        f"{unit.name} ({unit.code}) không phải đơn vị {vi}.",
        f"{unit.name} ({unit.code}) is not a {en}-level unit.",
        field=field,
    )


def unit_by_code(code: str, on: datetime.date) -> Unit:
    unit = geo_queries.unit_get(code=code.strip(), on=on)
    if unit is None:
        raise DomainError(
            CoreErrorCode.NOT_FOUND,
            f"Không có đơn vị hành chính mã {code} vào ngày {on:%d/%m/%Y}.",
            f"No administrative unit has code {code} on {on.isoformat()}.",
            field="unit",
        )
    return unit
