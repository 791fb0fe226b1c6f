"""A seeded national-scale-ish data set for the import benchmark.

    .venv/bin/python bench/generate_values.py --communes 10000 --out /tmp/values.csv

In the database named by the environment (run `vandong migrate` first) it
creates, if missing: a province "98" with 100 districts and `--communes`
communes (codes B00001…), the years 2016-2025, ten commune-level data elements
(counts, money, a percent, hectares, a yes/no) and two validation rules; and it
writes a long-format CSV with one value per commune, year and element
(10,000 communes × 10 years × 10 elements = 1,000,000 rows). The same seed
gives the same file; `--shift` changes every value (for an update run).
"""

import argparse
import datetime
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

YEARS = list(range(2016, 2026))
# code, value type, low, high
ELEMENTS = [
    ("B_HH", "integer", 300, 6000),
    ("B_HH_CULT", "integer", 0, 0),  # a share of B_HH, below it
    ("B_POP", "integer", 1000, 30000),
    ("B_CASH_VND", "money_vnd", 0, 5_000_000_000),
    ("B_LABOUR", "labour_days", 0, 20000),
    ("B_LAND_M2", "area_m2", 0, 50000),
    ("B_FOREST_HA", "area_ha", 0, 4000),
    ("B_INSURANCE_PCT", "percent", 50, 100),
    ("B_MODELS", "integer", 0, 40),
    ("B_DRUG_FREE", "boolean", 0, 1),
]


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vandong.settings")
    import django

    django.setup()


def make_world(communes: int) -> None:
    """Units, periods, elements and rules of the benchmark (idempotent)."""
    from vandong.catalog.models import DataElement, Period, ValidationRule
    from vandong.core.text import fold
    from vandong.geo.models import Unit

    for year in YEARS:
        Period.objects.get_or_create(
            code=str(year),
            defaults={
                "kind": "year",
                "start": datetime.date(year, 1, 1),
                "end": datetime.date(year, 12, 31),
            },
        )
    for code, value_type, _, _ in ELEMENTS:
        DataElement.objects.get_or_create(
            code=code,
            defaults={
                "name_vi": f"Chỉ tiêu thử {code}",
                "name_en": f"Benchmark element {code}",
                "value_type": value_type,
                "level": 3,
            },
        )
    ValidationRule.objects.get_or_create(
        code="B_CULT_LE_HH",
        defaults={
            "name_vi": "Hộ văn hóa không quá số hộ",
            "name_en": "Cultural households at most households",
            "left": "B_HH_CULT",
            "operator": "<=",
            "right": "B_HH",
            "level": 3,
        },
    )
    ValidationRule.objects.get_or_create(
        code="B_HH_LE_POP",
        defaults={
            "name_vi": "Số hộ không quá số dân",
            "name_en": "Households at most population",
            "left": "B_HH",
            "operator": "<=",
            "right": "B_POP",
            "level": 3,
            "severity": "warning",
        },
    )
    if Unit.objects.filter(code="98").exists():
        return
    province = Unit.objects.create(
        code="98",
        name="Tỉnh Thử Nghiệm",
        name_key="tinh thu nghiem",
        type="tinh",
        level=1,
        path="",
    )
    province.path = f"/{province.pk}/"
    province.save(update_fields=["path"])
    districts = Unit.objects.bulk_create(
        Unit(
            code=f"B{d:03d}",
            name=f"Huyện {d}",
            name_key=f"huyen {d}",
            type="huyen",
            level=2,
            parent=province,
            path="",
        )
        for d in range(100)
    )
    for d in districts:
        d.path = f"{province.path}{d.pk}/"
    Unit.objects.bulk_update(districts, ["path"])
    made = Unit.objects.bulk_create(
        (
            Unit(
                code=f"B{c:05d}",
                name=f"Xã Thử {c}",
                name_key=fold(f"Xã Thử {c}"),
                type="xa",
                level=3,
                parent=districts[c % 100],
                path="",
            )
            for c in range(communes)
        ),
        batch_size=2000,
    )
    for c, unit in enumerate(made):
        unit.path = f"{districts[c % 100].path}{unit.pk}/"
    Unit.objects.bulk_update(made, ["path"], batch_size=2000)


def write_csv(path: Path, *, communes: int, seed: int, shift: int = 0) -> int:
    """The long-format file; returns the number of rows."""
    rng = random.Random(seed)  # noqa: S311 - seeded sample data, not secrets
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("data_element,unit_code,period,value\n")
        for c in range(communes):
            unit = f"B{c:05d}"
            base = {code: rng.randint(low, high) for code, _, low, high in ELEMENTS}
            lines = []
            for year in YEARS:
                growth = 1 + 0.01 * (year - 2016) + shift * 0.001
                households = int(base["B_HH"] * growth) + shift
                for code, value_type, _, _ in ELEMENTS:
                    if code == "B_HH":
                        value = str(households)
                    elif code == "B_HH_CULT":
                        value = str(int(households * (0.6 + rng.random() * 0.39)))
                    elif value_type == "percent":
                        value = f"{min(100.0, base[code] + rng.random() * 5 - 2.5 + shift * 0.01):.1f}"
                    elif value_type == "area_ha":
                        value = f"{base[code] * growth:.2f}"
                    elif value_type == "boolean":
                        value = "true" if (base[code] + year + shift) % 2 else "false"
                    else:
                        value = str(int(base[code] * growth) + shift)
                    lines.append(f"{code},{unit},{year},{value}\n")
            out.write("".join(lines))
            rows += len(lines)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--communes", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--shift", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--no-world", action="store_true")
    args = parser.parse_args()
    setup()
    if not args.no_world:
        make_world(args.communes)
    rows = write_csv(args.out, communes=args.communes, seed=args.seed, shift=args.shift)
    print(f"{rows:,} rows -> {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
