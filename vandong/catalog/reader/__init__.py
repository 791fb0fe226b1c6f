"""Reads and checks the catalog's YAML files (vandong/catalog/fixtures/*.yaml).

Every file is read and every item checked before anything is written: an
unknown element code in a data set or rule, a bad value type or level, a
duplicate code, an unreadable file: each problem becomes a row of one
DomainError `invalid_catalog` naming the file, the line and the item, in
Vietnamese and English. `catalog_read` answers the specs `loader` writes.
"""

from pathlib import Path

from vandong.catalog.errors import CatalogErrorCode
from vandong.catalog.reader import checks
from vandong.catalog.reader.items import ItemReader
from vandong.catalog.reader.specs import (
    FIXTURES_DIR,
    KIND_VI,
    KINDS,
    LEVEL_NAMES_VI,
    LEVELS,
    CatalogSpec,
    DataSetSpec,
    ElementSpec,
    MemberSpec,
    PeriodSpec,
    RuleSpec,
    Where,
)
from vandong.core.errors import DomainError

__all__ = [
    "FIXTURES_DIR",
    "KINDS",
    "KIND_VI",
    "LEVELS",
    "LEVEL_NAMES_VI",
    "CatalogSpec",
    "DataSetSpec",
    "ElementSpec",
    "MemberSpec",
    "PeriodSpec",
    "RuleSpec",
    "Where",
    "catalog_read",
]


def catalog_read(directory: Path | None = None) -> CatalogSpec:
    """Read and check every *.yaml under `directory` (default: the shipped
    fixtures); raise DomainError `invalid_catalog` listing every problem."""
    folder = directory or FIXTURES_DIR
    paths = sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))
    reader = ItemReader()
    if not paths:
        reader.problems.file(
            str(folder),
            0,
            "không có tệp danh mục *.yaml nào",
            "there is no *.yaml catalog file",
        )
    for path in paths:
        reader.read_file(path)
    checks.check_duplicates(reader.spec, reader.problems)
    checks.check_elements(reader.spec, reader.problems)
    checks.check_data_sets(reader.spec, reader.problems)
    checks.check_rules(reader.spec, reader.problems)
    rows = reader.problems.rows
    if rows:
        first_vi = rows[0].message_vi
        first_en = rows[0].message_en
        raise DomainError(
            CatalogErrorCode.INVALID_CATALOG,
            f"Danh mục có {len(rows)} lỗi, không nạp gì. Lỗi đầu tiên: {first_vi}",
            f"The catalog has {len(rows)} problem(s); nothing was loaded. The "
            f"first: {first_en}",
            rows=rows,
        )
    return reader.spec
