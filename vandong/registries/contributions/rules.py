"""The rules one contribution must meet, as (field, Vietnamese, English)
problems: the services raise them, the importer names them per row."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from vandong.geo.models import Level, Unit
from vandong.registries.models import ContributorKind, Purpose

MAX_VND = 10**15  # a thousand trillion đồng: beyond any commune's year
MAX_LAND_M2 = Decimal("999999999999.99")
MAX_LABOUR_DAYS = Decimal("99999999999.9")
MAX_QTY = Decimal("999999999999.99")
TEXT_LIMITS = {
    "contributor_name": 200,
    "materials_desc": 200,
    "materials_unit": 30,
    "project": 200,
}

KIND_NAMES_VI: dict[str, str] = {
    ContributorKind.PEOPLE: "Nhân dân",
    ContributorKind.BUSINESSES: "Doanh nghiệp",
    ContributorKind.BENEFACTORS: "Nhà hảo tâm",
    ContributorKind.CADRES: "Cán bộ, đảng viên",
    ContributorKind.OTHER: "Khác",
}
PURPOSE_NAMES_VI: dict[str, str] = {
    Purpose.ROAD: "Đường giao thông",
    Purpose.CULTURAL_HOUSE: "Nhà văn hóa",
    Purpose.SCHOOL: "Trường học",
    Purpose.IRRIGATION: "Thủy lợi",
    Purpose.HOUSING_POOR: "Nhà ở cho hộ nghèo",
    Purpose.OTHER: "Công trình khác",
}
FIELD_NAMES_VI: dict[str, str] = {
    "unit": "đơn vị",
    "date": "ngày",
    "kind": "đối tượng đóng góp",
    "contributor_name": "tên người đóng góp",
    "cash_vnd": "tiền mặt",
    "land_m2": "đất hiến",
    "labour_days": "ngày công",
    "materials_desc": "vật liệu",
    "materials_qty": "số lượng vật liệu",
    "materials_unit": "đơn vị tính",
    "materials_vnd": "giá trị vật liệu",
    "purpose": "mục đích",
    "project": "công trình",
}


@dataclass(frozen=True)
class ContributionIn:
    """A contribution as given by a form, the API, a file row or the demo."""

    unit: Unit
    date: datetime.date
    kind: str
    purpose: str
    contributor_name: str = ""
    cash_vnd: int = 0
    land_m2: Decimal = Decimal(0)
    labour_days: Decimal = Decimal(0)
    materials_desc: str = ""
    materials_qty: Decimal | None = None
    materials_unit: str = ""
    materials_vnd: int = 0
    project: str = ""


@dataclass(frozen=True)
class Problem:
    field: str
    message_vi: str
    message_en: str


@dataclass
class Problems:
    items: list[Problem] = field(default_factory=list)

    def add(self, field_name: str, vi: str, en: str) -> None:
        self.items.append(Problem(field_name, vi, en))


def _amount(
    problems: Problems, name: str, value: int | Decimal, limit: int | Decimal
) -> None:
    if value < 0:
        problems.add(
            name,
            f"{FIELD_NAMES_VI[name].capitalize()} không được âm.",
            f"{name} must not be negative.",
        )
    elif value > limit:
        problems.add(
            name,
            f"{FIELD_NAMES_VI[name].capitalize()} quá lớn.",
            f"{name} is too large.",
        )


def contribution_problems(
    data: ContributionIn, *, today: datetime.date | None = None
) -> list[Problem]:
    """Every rule `data` breaks (scope and locks are the services' part)."""
    problems = Problems()
    unit = data.unit
    if unit.level not in (Level.COMMUNE, Level.VILLAGE):
        problems.add(
            "unit",
            f"{unit.name} ({unit.code}) không phải xã hay thôn: đóng góp được ghi "
            "cho xã, phường, thị trấn hoặc thôn, bản, tổ dân phố.",
            f"{unit.name} ({unit.code}) is not a commune or village: contributions "
            "are recorded on communes and villages.",
        )
    if not unit.is_valid_on(data.date):
        problems.add(
            "date",
            f"{unit.name} ({unit.code}) không tồn tại vào ngày {data.date:%d/%m/%Y}.",
            f"{unit.name} ({unit.code}) did not exist on {data.date:%Y-%m-%d}.",
        )
    if today is not None and data.date > today:
        problems.add(
            "date",
            f"Ngày {data.date:%d/%m/%Y} ở tương lai.",
            f"The date {data.date:%Y-%m-%d} is in the future.",
        )
    if data.kind not in ContributorKind.values:
        problems.add(
            "kind",
            f"Đối tượng đóng góp “{data.kind}” không hợp lệ "
            f"({', '.join(ContributorKind.values)}).",
            f"Unknown contributor kind '{data.kind}' "
            f"({', '.join(ContributorKind.values)}).",
        )
    if data.purpose not in Purpose.values:
        problems.add(
            "purpose",
            f"Mục đích “{data.purpose}” không hợp lệ ({', '.join(Purpose.values)}).",
            f"Unknown purpose '{data.purpose}' ({', '.join(Purpose.values)}).",
        )
    if data.purpose == Purpose.OTHER and not data.project.strip():
        problems.add(
            "project",
            "Mục đích “khác” cần ghi tên công trình.",
            "The purpose 'other' needs the project's name.",
        )
    _amount(problems, "cash_vnd", data.cash_vnd, MAX_VND)
    _amount(problems, "land_m2", data.land_m2, MAX_LAND_M2)
    _amount(problems, "labour_days", data.labour_days, MAX_LABOUR_DAYS)
    _amount(problems, "materials_vnd", data.materials_vnd, MAX_VND)
    if data.materials_qty is not None:
        _amount(problems, "materials_qty", data.materials_qty, MAX_QTY)
    has_materials = (
        data.materials_vnd > 0
        or bool(data.materials_unit.strip())
        or data.materials_qty is not None
    )
    if has_materials and not data.materials_desc.strip():
        problems.add(
            "materials_desc",
            "Cần mô tả vật liệu đóng góp (cát, sỏi, đá…).",
            "Describe the materials given (sand, gravel, stone…).",
        )
    if data.materials_desc.strip() and data.materials_vnd <= 0:
        problems.add(
            "materials_vnd",
            "Cần giá trị quy ra tiền của vật liệu đóng góp.",
            "Give the materials' value in đồng.",
        )
    if not (
        data.cash_vnd > 0
        or data.land_m2 > 0
        or data.labour_days > 0
        or data.materials_vnd > 0
    ):
        problems.add(
            "cash_vnd",
            "Chưa ghi đóng góp nào: cần tiền mặt, đất, ngày công hoặc vật liệu.",
            "Nothing given: record cash, land, labour or materials.",
        )
    for name, limit in TEXT_LIMITS.items():
        if len(str(getattr(data, name))) > limit:
            problems.add(
                name,
                f"{FIELD_NAMES_VI[name].capitalize()} dài quá {limit} ký tự.",
                f"{name} is longer than {limit} characters.",
            )
    return problems.items
