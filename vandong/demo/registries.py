"""CONSTRUCTED SAMPLE RECORDS for the demo — not real data: OCOP products,
models and teams, and dialogue conferences of Lai Châu.

They are built FROM the demo's stored values (vandong/demo/collect.py), so
that the registries' sync gives back exactly those values: the seed's "38
sản phẩm OCOP 3 sao, 9 sản phẩm 4 sao" (valid at 31/12/2020), "1.143 tổ hòa
giải", "860 tổ đội văn hoá", "133 hội nghị đối thoại" (2017-2020) come from
the records. Every record is marked `is_sample`.

- Models and teams: each commune's yearly stock of an element becomes
  records recognised in the year the stock grew (one per team; learning
  families as counts per village), and stopped in the year it shrank.
- Conferences: each commune-year count becomes that many conferences, with
  one or two commitments each.
- OCOP: each year's growth of the provincial 3- and 4-star counts becomes new
  products rated that year (one 4-star a year is an upgrade of a 3-star
  product rated the year before); every rating is renewed every 36 months
  while the renewal date has passed, so it stays valid.
"""

import datetime
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from vandong.demo.collect import LAI_CHAU, unit_noise

if TYPE_CHECKING:
    from vandong.registries.ocop.bands import OcopRules

Progress = Callable[[str], None]

MODEL_ELEMENTS = (
    "CULTURE_TEAMS",
    "LEARNING_FAMILIES",
    "LEARNING_CLANS",
    "LEARNING_COMMUNITIES",
    "LEARNING_UNITS",
    "MEDIATION_TEAMS",
    "SECURITY_MODELS",
)
CONFERENCE_ELEMENT = "DIALOGUE_CONFERENCES"
OCOP_ELEMENTS = {3: "OCOP_3STAR", 4: "OCOP_4STAR"}

# Names of sample products (Lai Châu specialities) and sample chairs.
PRODUCT_NAMES = (
    ("Chè Shan tuyết", "drinks"),
    ("Gạo Séng Cù", "food"),
    ("Mật ong bạc hà", "food"),
    ("Miến dong", "food"),
    ("Thịt trâu gác bếp", "food"),
    ("Măng khô", "food"),
    ("Rượu San Lùng", "drinks"),
    ("Thảo quả sấy", "herbal"),
    ("Sâm Lai Châu", "herbal"),
    ("Hạt mắc ca", "food"),
    ("Tam thất", "herbal"),
    ("Thổ cẩm", "handicraft"),
    ("Lan rừng", "ornamental"),
    ("Du lịch cộng đồng bản", "tourism"),
)
PRODUCER_KINDS = ("cooperative", "enterprise", "household", "cooperative")
CHAIRS = (
    ("party", "Bí thư Đảng ủy"),
    ("government", "Chủ tịch Ủy ban nhân dân"),
)
ISSUES = (
    "Đường giao thông nông thôn xuống cấp; nước sinh hoạt mùa khô; hỗ trợ giống cây trồng.",
    "Thu gom rác thải; cấp giấy chứng nhận quyền sử dụng đất; điện chiếu sáng.",
    "Vay vốn phát triển sản xuất; đào tạo nghề cho thanh niên; an ninh trật tự.",
)
COMMITMENTS = (
    "Sửa chữa tuyến đường liên bản trong năm",
    "Giải quyết hồ sơ đất đai tồn đọng",
    "Bố trí kinh phí hỗ trợ giống cây trồng",
    "Lắp đặt điện chiếu sáng đường bản",
)
KIND_NAMES = {
    "CULTURE_TEAMS": ("culture_team", "Đội văn hóa"),
    "LEARNING_CLANS": ("learning_clan", "Dòng họ học tập"),
    "LEARNING_COMMUNITIES": ("learning_community", "Cộng đồng học tập"),
    "LEARNING_UNITS": ("learning_unit", "Đơn vị học tập"),
    "MEDIATION_TEAMS": ("mediation_team", "Tổ hòa giải"),
    "SECURITY_MODELS": ("security_area", "Khu dân cư an ninh trật tự"),
    "LEARNING_FAMILIES": ("learning_family", "Gia đình học tập"),
}


# --- pure construction ---------------------------------------------------------------


@dataclass
class Slot:
    """A record being built: where, what, how many, from and until when."""

    unit_id: int
    kind: str
    name: str
    count: int
    recognized: int
    stopped: int | None = None


def stock_records(
    series: dict[int, int],
    *,
    element: str,
    commune_id: int,
    villages: list[tuple[int, str]],
) -> list[Slot]:
    """Records whose active total at each year's end is `series[year]`."""
    kind, label = KIND_NAMES[element]
    per_count = element == "LEARNING_FAMILIES"
    slots: list[Slot] = []
    active: list[Slot] = []
    made = 0

    def place(year: int, n: int) -> None:
        nonlocal made
        if per_count:
            places = villages or [(commune_id, "")]
            share, rest = divmod(n, len(places))
            for i, (unit_id, name) in enumerate(places):
                size = share + (1 if i < rest else 0)
                if size:
                    slot = Slot(unit_id, kind, f"{label} {name}".strip(), size, year)
                    slots.append(slot)
                    active.append(slot)
            return
        for _ in range(n):
            made += 1
            if element == "CULTURE_TEAMS" and made > 1 and villages:
                unit_id, name = villages[(made - 2) % len(villages)]
                slot = Slot(unit_id, "art_troupe", f"Đội văn nghệ {name}", 1, year)
            elif villages and element in ("MEDIATION_TEAMS", "SECURITY_MODELS"):
                unit_id, name = villages[(made - 1) % len(villages)]
                slot = Slot(unit_id, kind, f"{label} {name} ({made})", 1, year)
            else:
                slot = Slot(commune_id, kind, f"{label} số {made}", 1, year)
            slots.append(slot)
            active.append(slot)

    def stop(year: int, n: int) -> None:
        while n > 0:
            slot = active.pop()
            if slot.count <= n:
                slot.stopped = year
                n -= slot.count
                continue
            # Part of a group stops: split it.
            gone = Slot(slot.unit_id, slot.kind, slot.name, n, slot.recognized, year)
            slots.append(gone)
            slot.count -= n
            active.append(slot)
            n = 0

    total = 0
    for year in sorted(series):
        delta = int(series[year]) - total
        if delta > 0:
            place(year, delta)
        elif delta < 0:
            stop(year, -delta)
        total = int(series[year])
    return [s for s in slots if s.count > 0]


def day_in(year: int, salt: object, index: int = 0) -> datetime.date:
    """A fixed day between March and October of `year`."""
    month = 3 + int(unit_noise("month", salt, year, index) * 8)
    day = 1 + int(unit_noise("day", salt, year, index) * 28)
    return datetime.date(year, month, day)


@dataclass
class ProductPlan:
    commune_id: int
    name: str
    group: str
    producer_kind: str
    events: list[tuple[datetime.date, int]] = field(default_factory=list)


def ocop_plan(
    totals: dict[int, dict[int, int]],
    communes_by_year: Callable[[int], list[int]],
    today: datetime.date,
    valid_months: int,
    add_months: Callable[[datetime.date, int], datetime.date],
) -> list[ProductPlan]:
    """Products and their rating events so that, at 31/12 of each year,
    the valid 3- and 4-star counts are `totals[year][stars]`."""
    products: list[ProductPlan] = []
    last = {3: 0, 4: 0}
    by_year: dict[int, list[ProductPlan]] = defaultdict(list)
    for year in sorted(totals):
        grow = {s: int(totals[year].get(s, 0)) - last[s] for s in (3, 4)}
        candidates = [p for p in by_year[year - 1] if p.events[-1][1] == 3]
        upgrades = 1 if grow[4] >= 1 and candidates else 0
        if upgrades:
            product = candidates[0]
            product.events.append((day_in(year, product.name, 99), 4))
            grow[4] -= 1
            grow[3] += 1
        communes = communes_by_year(year)
        for stars in (3, 4):
            for i in range(grow[stars]):
                n = len(products)
                name, group = PRODUCT_NAMES[n % len(PRODUCT_NAMES)]
                commune = communes[
                    int(unit_noise("ocop", year, stars, i) * len(communes))
                ]
                plan = ProductPlan(
                    commune_id=commune,
                    name=f"{name} (mẫu {n + 1})",
                    group=group,
                    producer_kind=PRODUCER_KINDS[n % len(PRODUCER_KINDS)],
                )
                plan.events.append((day_in(year, plan.name), stars))
                products.append(plan)
                by_year[year].append(plan)
        last = {s: int(totals[year].get(s, 0)) for s in (3, 4)}
    # Renewals every `valid_months` from the last decision, while passed.
    for plan in products:
        day, stars = plan.events[-1]
        while (renewal := add_months(day, valid_months)) <= today:
            plan.events.append((renewal, stars))
            day = renewal
    return products


# --- database ------------------------------------------------------------------------


def _stored(
    codes: list[str], unit_ids: list[int]
) -> dict[str, dict[int, dict[int, int]]]:
    """{element: {unit id: {year: value}}} of the stored yearly values."""
    from vandong.collect.models import DataValue

    out: dict[str, dict[int, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    rows = DataValue.objects.filter(
        data_element__code__in=codes,
        unit_id__in=unit_ids,
        period__kind="year",
        value__isnull=False,
    ).values_list("data_element__code", "unit_id", "period__code", "value")
    for code, unit_id, period, value in rows:
        if value is not None:
            out[code][unit_id][int(period)] = int(value)
    return out


def load_demo_registries(progress: Progress) -> None:
    """Build the sample records from the stored values, then sync them back
    (which changes nothing when the construction is right)."""
    from vandong.geo.models import Level, Unit
    from vandong.registries.common.checks import this_year
    from vandong.registries.conferences.sync import conferences_sync
    from vandong.registries.models import (
        Commitment,
        Conference,
        ModelTeam,
        OcopProduct,
        OcopRating,
    )
    from vandong.registries.ocop.bands import add_months, ocop_rules
    from vandong.registries.ocop.sync import ocop_sync
    from vandong.registries.teams.sync import models_sync

    province = Unit.objects.get(
        code=LAI_CHAU, level=Level.PROVINCE, valid_from__isnull=True
    )
    within = Unit.objects.within(province)
    if (
        ModelTeam.objects.filter(
            is_sample=True, unit__path__startswith=province.path
        ).exists()
        or OcopProduct.objects.filter(
            is_sample=True, unit__path__startswith=province.path
        ).exists()
    ):
        progress("Sổ theo dõi mẫu đã có / sample registries already there.")
        return
    progress(
        "Tạo sổ theo dõi mẫu DỰNG SẴN (OCOP, mô hình, tổ đội, hội nghị đối thoại) từ "
        "số liệu mẫu / making CONSTRUCTED sample registries from the sample values…"
    )
    started = time.perf_counter()
    communes = list(within.filter(level=Level.COMMUNE).order_by("code", "valid_from"))
    commune_ids = [c.pk for c in communes]
    villages: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for pk, parent_id, name in (
        within.filter(level=Level.VILLAGE)
        .order_by("code")
        .values_list("pk", "parent_id", "name")
    ):
        villages[parent_id].append((pk, name))
    stored = _stored([*MODEL_ELEMENTS, CONFERENCE_ELEMENT], commune_ids)

    # Models and teams.
    records = [
        ModelTeam(
            unit_id=slot.unit_id,
            kind=slot.kind,
            name=slot.name[:200],
            count=slot.count,
            recognized_year=slot.recognized,
            active=slot.stopped is None,
            stopped_year=slot.stopped,
            is_sample=True,
        )
        for element in MODEL_ELEMENTS
        for commune_id, series in stored[element].items()
        for slot in stock_records(
            series,
            element=element,
            commune_id=commune_id,
            villages=villages[commune_id],
        )
    ]
    ModelTeam.objects.bulk_create(records, batch_size=2000)

    # Conferences.
    today = datetime.date.today()  # noqa: DTZ011 - a calendar day
    conferences: list[Conference] = []
    for commune_id, series in stored[CONFERENCE_ELEMENT].items():
        for year, n in series.items():
            for i in range(n):
                role, title = CHAIRS[(year + i) % 2]
                conferences.append(
                    Conference(
                        unit_id=commune_id,
                        held_on=min(day_in(year, commune_id, i), today),
                        chair_role=role,
                        chair_name=f"Người chủ trì mẫu {commune_id}-{(year + i) % 2 + 1}",
                        chair_title=title,
                        participants_count=60
                        + int(unit_noise("p", commune_id, year, i) * 140),
                        participants="Cán bộ, đảng viên, đoàn viên, hội viên và Nhân dân trong xã (mẫu)",
                        issues=ISSUES[(commune_id + year + i) % len(ISSUES)],
                        is_sample=True,
                    )
                )
    Conference.objects.bulk_create(conferences, batch_size=2000)
    commitments: list[Commitment] = []
    for c in conferences:
        for j in range(1 + (c.pk or 0) % 2):
            due = add_months(c.held_on, 6)
            status = (
                "done"
                if due.year < today.year - 1
                else ("in_progress" if due <= today else "pending")
            )
            if status == "done" and unit_noise("nd", c.pk, j) < 0.1:
                status = "not_done"
            commitments.append(
                Commitment(
                    conference=c,
                    text=COMMITMENTS[((c.pk or 0) + j) % len(COMMITMENTS)],
                    responsible="Ủy ban nhân dân xã",
                    due_on=due,
                    status=status,
                    is_sample=True,
                )
            )
    Commitment.objects.bulk_create(commitments, batch_size=2000)

    # OCOP products.
    rules = ocop_rules()
    totals_raw = _stored(list(OCOP_ELEMENTS.values()), [province.pk])
    totals: dict[int, dict[int, int]] = defaultdict(dict)
    for stars, code in OCOP_ELEMENTS.items():
        for year, value in totals_raw[code].get(province.pk, {}).items():
            totals[year][stars] = value

    def communes_in(year: int) -> list[int]:
        day = datetime.date(year, 12, 31)
        return [c.pk for c in communes if c.is_valid_on(day)] or commune_ids

    plans = ocop_plan(totals, communes_in, today, rules.valid_months, add_months)
    products = [
        OcopProduct(
            unit_id=p.commune_id,
            name=p.name,
            group=p.group,
            producer_name=f"Chủ thể mẫu {i + 1}",
            producer_kind=p.producer_kind,
            is_sample=True,
        )
        for i, p in enumerate(plans)
    ]
    OcopProduct.objects.bulk_create(products)
    ratings = [
        OcopRating(
            product=product,
            stars=stars,
            score=_score(stars, rules, product.pk or 0, n),
            decision_number=f"{100 + n}/QĐ-UBND (mẫu)",
            decision_date=day,
            recognising_body=rules.body_for(stars),
            expires_on=rules.expires_on(day),
            is_sample=True,
        )
        for product, plan in zip(products, plans, strict=True)
        for n, (day, stars) in enumerate(plan.events)
    ]
    OcopRating.objects.bulk_create(ratings)

    years = list(range(2016, this_year() + 1))
    changed = models_sync(commune_ids, years)
    # The regulation on dialogue conferences applies from 2017 (no values before).
    changed += conferences_sync(commune_ids, [y for y in years if y >= 2017])
    changed += ocop_sync([province.pk], years)
    progress(
        f"  {len(records):,} mô hình, tổ đội; {len(conferences):,} hội nghị; "
        f"{len(products):,} sản phẩm OCOP (mẫu) / sample records; {changed} giá trị "
        f"thay đổi khi đồng bộ / values changed by the sync "
        f"({time.perf_counter() - started:.1f} s)"
    )


def _score(stars: int, rules: "OcopRules", pk: int, n: int) -> int:
    """A score inside the stars' band (from the bands file)."""
    band = rules.band_for_stars(stars)
    if band is None:
        return 0
    top = (band.below - 1) if band.below is not None else rules.max_points
    return band.min_points + int(
        unit_noise("score", pk, n) * (top - band.min_points + 1)
    )
