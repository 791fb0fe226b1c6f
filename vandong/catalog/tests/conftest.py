import pytest

from vandong.catalog.loader import CatalogReport, catalog_load


@pytest.fixture
def catalog(db) -> CatalogReport:
    """The shipped catalog, loaded."""
    return catalog_load()
