"""The writer of registry counts into data values."""

import logging

from vandong.core.errors import DomainError

logger = logging.getLogger(__name__)


def write_counts(rows: list[tuple[str, str, int, int]]) -> int:
    """Store (element, unit code, year, value) rows as the system, through
    the collect write service; returns the values created or changed. A
    refusal (an approved form, a missing element) is logged, not raised: the
    registry write has committed."""
    from vandong.collect.rows import ValueRow
    from vandong.collect.services import data_values_write

    if not rows:
        return 0
    values = [ValueRow(e, code, str(year), value) for e, code, year, value in rows]
    try:
        result = data_values_write(actor=None, rows=values, channel="system")
    except DomainError as error:
        logger.warning("registry sync refused: %s", error.message_en)
        return 0
    return result.created + result.updated
