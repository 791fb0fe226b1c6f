"""API pieces the OCOP, models-and-teams and conference routers share: the
error body, the refusal responses and paging bounds, and the `unit` filter."""

import datetime

from ninja import Schema

from vandong.geo.models import Unit
from vandong.registries.common.units import unit_by_code

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


class ErrorOut(Schema):
    code: str
    message_vi: str
    message_en: str
    field: str | None = None


RESPONSES: dict[int, type[Schema]] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}
RESPONSES_409: dict[int, type[Schema]] = {**RESPONSES, 409: ErrorOut}


def unit_filter(code: str | None, on: datetime.date) -> Unit | None:
    """The unit a `unit` filter names (read on `on`), None without one."""
    return unit_by_code(code, on) if code else None
