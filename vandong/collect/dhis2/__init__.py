"""DHIS2 exchange: dataValueSets (JSON, XML, CSV) and ADX XML, in and out.

Identifiers are mapped through `collect.ExternalMapping` (see mapping.py and
docs/dhis2.md); readers return `ValueRow`s for `services.data_values_write`,
writers take stored `DataValue`s.
"""

from vandong.collect.dhis2.mapping import AUTO, CODE, NAME, SYSTEM, UID
from vandong.collect.dhis2.readers import read_adx, read_data_value_set
from vandong.collect.dhis2.writers import write_adx, write_data_value_set

__all__ = [
    "AUTO",
    "CODE",
    "NAME",
    "SYSTEM",
    "UID",
    "read_adx",
    "read_data_value_set",
    "write_adx",
    "write_data_value_set",
]
