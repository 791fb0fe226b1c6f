"""The OCOP product list as an Excel workbook."""

import datetime
from collections.abc import Iterable

from django.utils.translation import gettext as _

from vandong.registries.common.xlsx import sample_note, workbook
from vandong.registries.models import OcopProduct
from vandong.registries.ocop.queries import current_rating


def products_workbook(*, products: Iterable[OcopProduct], day: datetime.date) -> bytes:
    headers = [
        _("Commune code"),
        _("Commune"),
        _("Product"),
        _("Product group"),
        _("Producer"),
        _("Kind of producer"),
        _("Stars valid on the date"),
        _("Score"),
        _("Decision number"),
        _("Decision date"),
        _("Recognising body"),
        _("Expires on"),
        _("Ratings"),
        _("Sample"),
    ]
    rows = []
    for p in products:
        rating = current_rating(p, day)
        rows.append(
            [
                p.unit.code,
                p.unit.name,
                p.name,
                str(p.get_group_display()),
                p.producer_name,
                str(p.get_producer_kind_display()),
                rating.stars if rating else None,
                rating.score if rating else None,
                rating.decision_number if rating else "",
                f"{rating.decision_date:%d/%m/%Y}" if rating else "",
                rating.recognising_body if rating else "",
                f"{rating.expires_on:%d/%m/%Y}" if rating else "",
                "; ".join(
                    f"{r.stars}★ {r.decision_date:%d/%m/%Y}" for r in p.ratings.all()
                ),
                _("Yes") if p.is_sample else "",
            ]
        )
    title = _("OCOP products")
    note = _("Stars valid on %(day)s.") % {"day": f"{day:%d/%m/%Y}"}
    return workbook(title, headers, rows, f"{note} {sample_note()}")
