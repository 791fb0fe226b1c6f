"""Petitions for tests, made through the services."""

import datetime
from typing import Any

from vandong.geo.models import Unit
from vandong.petitions import services
from vandong.petitions.models import Petition

DAY = datetime.date(2025, 9, 1)


def make_petition(
    actor: Any, unit: Unit, *, received_on: datetime.date = DAY, **fields: Any
) -> Petition:
    values: dict[str, Any] = {
        "channel": "voter_meeting",
        "topic": "infrastructure",
        "text": "Đề nghị sửa đoạn đường liên bản bị sạt lở.",
        "contact_name": "Lò Văn Bình",
        "contact_phone": "0912 345 678",
        "contact_address": "Bản Sùng Phài",
        **fields,
    }
    return services.petition_create(
        actor=actor, unit=unit, received_on=received_on, **values
    )


def assigned(actor: Any, petition: Petition, **fields: Any) -> Petition:
    values: dict[str, Any] = {
        "body": "UBND phường Đoàn Kết",
        "deadline": DAY + datetime.timedelta(days=30),
        "on": DAY + datetime.timedelta(days=2),
        **fields,
    }
    return services.petition_assign(actor=actor, petition=petition, **values)


def answered(actor: Any, petition: Petition, **fields: Any) -> Petition:
    values: dict[str, Any] = {
        "answer": "Đã bố trí kinh phí sửa chữa trong quý IV.",
        "on": DAY + datetime.timedelta(days=20),
        **fields,
    }
    return services.petition_answer(actor=actor, petition=petition, **values)
