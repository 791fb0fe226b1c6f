"""Writes of the OCOP registry: products and their rating decisions.

Each service checks scope (Action.RECORD_REGISTRY on the product's commune),
the rules (stars rated 3 to 5, the score inside the stars' band of the bands
file, the expiry from the file's validity), writes and audits in one
transaction, and re-counts the province's OCOP figures once it commits.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from vandong.accounts.permissions import Action
from vandong.accounts.queries import Actor
from vandong.accounts.services import authorize
from vandong.core.errors import DomainError
from vandong.core.models import Channel
from vandong.geo.models import Level, Unit
from vandong.registries.common.audit import (
    audit_created,
    authorize_move,
    update_audited,
    user_id,
)
from vandong.registries.common.checks import check_text, this_year
from vandong.registries.common.errors import RegistryErrorCode, invalid
from vandong.registries.common.units import check_level
from vandong.registries.models import (
    OcopProduct,
    OcopRating,
    ProducerKind,
    ProductGroup,
)
from vandong.registries.ocop.bands import OcopRules, ocop_rules
from vandong.registries.ocop.sync import ocop_sync_later

PRODUCT_FIELDS = (
    "unit",
    "name",
    "group",
    "producer_name",
    "producer_kind",
    "note",
    "is_sample",
)
RATING_FIELDS = (
    "product",
    "stars",
    "score",
    "decision_number",
    "decision_date",
    "recognising_body",
    "expires_on",
)
PRODUCT_ENTITY = "registries.ocop_product"
RATING_ENTITY = "registries.ocop_rating"


@dataclass(frozen=True)
class ProductIn:
    unit: Unit
    name: str
    group: str
    producer_name: str
    producer_kind: str
    note: str = ""


@dataclass(frozen=True)
class RatingIn:
    stars: int
    score: int | None
    decision_number: str
    decision_date: datetime.date
    recognising_body: str = ""


def _check_product(data: ProductIn) -> ProductIn:
    check_level(data.unit, [Level.COMMUNE])
    if data.group not in ProductGroup.values:
        raise invalid(
            "group",
            f"Nhóm sản phẩm “{data.group}” không có trong QĐ 148/QĐ-TTg.",
            f"“{data.group}” is not a product group of QĐ 148/QĐ-TTg.",
        )
    if data.producer_kind not in ProducerKind.values:
        raise invalid(
            "producer_kind",
            f"Loại chủ thể “{data.producer_kind}” không hợp lệ.",
            f"“{data.producer_kind}” is not a producer kind.",
        )
    if len(data.note) > 500:
        raise invalid("note", "Ghi chú dài quá 500 ký tự.", "The note is too long.")
    return ProductIn(
        unit=data.unit,
        name=check_text(data.name, "name", 200, "tên sản phẩm", "The product name"),
        group=data.group,
        producer_name=check_text(
            data.producer_name, "producer_name", 200, "tên chủ thể", "The producer"
        ),
        producer_kind=data.producer_kind,
        note=data.note.strip(),
    )


def _product_values(clean: ProductIn) -> dict[str, Any]:
    """The product's columns from a checked input, in the order they are saved."""
    return {
        "unit": clean.unit,
        "name": clean.name,
        "group": clean.group,
        "producer_name": clean.producer_name,
        "producer_kind": clean.producer_kind,
        "note": clean.note,
    }


def check_rating(data: RatingIn, rules: OcopRules | None = None) -> RatingIn:
    """The rating as stored (recognising body defaulted from the file), or a
    DomainError naming the broken rule in both languages."""
    rules = rules or ocop_rules()
    if data.stars not in rules.rated_stars:
        rated = ", ".join(str(s) for s in sorted(rules.rated_stars))
        raise invalid(
            "stars",
            f"Sản phẩm OCOP được công nhận {rated} sao; {data.stars} sao không hợp lệ.",
            f"OCOP products are recognised with {rated} stars; {data.stars} is not one.",
        )
    if data.score is not None:
        if not 0 <= data.score <= rules.max_points:
            raise invalid(
                "score",
                f"Điểm phải từ 0 đến {rules.max_points}.",
                f"The score must be between 0 and {rules.max_points}.",
            )
        band = rules.band_of(data.score)
        expected = rules.band_for_stars(data.stars)
        if band is None or expected is None or band.stars != data.stars:
            span = expected.text(rules.max_points) if expected else "?"
            got = band.stars if band else "?"
            raise DomainError(
                RegistryErrorCode.SCORE_BAND_MISMATCH,
                f"{data.score} điểm thuộc hạng {got} sao; hạng {data.stars} sao cần "
                f"{span} điểm ({rules.document}).",
                f"A score of {data.score} is in the {got}-star band; {data.stars} "
                f"stars need {span} points ({rules.document}).",
                field="score",
            )
    number = check_text(
        data.decision_number, "decision_number", 60, "số quyết định", "The decision"
    )
    if data.decision_date > datetime.date(this_year(), 12, 31) or (
        data.decision_date.year < 2010
    ):
        raise invalid(
            "decision_date",
            "Ngày quyết định không hợp lệ.",
            "The decision date is not valid.",
        )
    body = data.recognising_body.strip() or rules.body_for(data.stars)
    if len(body) > 200:
        raise invalid(
            "recognising_body",
            "Tên cơ quan công nhận dài quá 200 ký tự.",
            "The recognising body is longer than 200 characters.",
        )
    return RatingIn(
        stars=data.stars,
        score=data.score,
        decision_number=number,
        decision_date=data.decision_date,
        recognising_body=body,
    )


def _years_from(*days: datetime.date) -> list[int]:
    first = min(d.year for d in days) if days else this_year()
    return list(range(first, this_year() + 1))


def _product_days(product: OcopProduct) -> list[datetime.date]:
    return list(product.ratings.values_list("decision_date", flat=True))


def _duplicate(day: datetime.date) -> DomainError:
    return DomainError(
        RegistryErrorCode.DUPLICATE,
        f"Sản phẩm đã có một quyết định ngày {day:%d/%m/%Y}.",
        f"The product already has a decision dated {day.isoformat()}.",
        field="decision_date",
    )


@transaction.atomic
def ocop_product_create(
    *,
    actor: Actor,
    data: ProductIn,
    ratings: list[RatingIn] | None = None,
    channel: str = Channel.WEB,
    is_sample: bool = False,
) -> OcopProduct:
    authorize(actor=actor, action=Action.RECORD_REGISTRY, unit=data.unit)
    clean = _check_product(data)
    product = OcopProduct(
        **_product_values(clean), is_sample=is_sample, created_by_id=user_id(actor)
    )
    product.save()
    audit_created(
        actor=actor,
        channel=channel,
        entity=PRODUCT_ENTITY,
        record=product,
        fields=PRODUCT_FIELDS,
    )
    for rating in ratings or []:
        _rating_create(actor=actor, product=product, data=rating, channel=channel)
    ocop_sync_later(
        [clean.unit], _years_from(*(r.decision_date for r in ratings or []))
    )
    return product


@transaction.atomic
def ocop_product_update(
    *, actor: Actor, product: OcopProduct, data: ProductIn, channel: str = Channel.WEB
) -> OcopProduct:
    authorize_move(actor=actor, current=product.unit, new=data.unit)
    clean = _check_product(data)
    old_unit = product.unit
    changed = update_audited(
        actor=actor,
        channel=channel,
        entity=PRODUCT_ENTITY,
        record=product,
        fields=PRODUCT_FIELDS,
        values=_product_values(clean),
    )
    if not changed:
        return product
    if old_unit.pk != clean.unit.pk:
        ocop_sync_later([old_unit, clean.unit], _years_from(*_product_days(product)))
    return product


def _rating_create(
    *, actor: Actor, product: OcopProduct, data: RatingIn, channel: str
) -> OcopRating:
    clean = check_rating(data)
    if product.ratings.filter(decision_date=clean.decision_date).exists():
        raise _duplicate(clean.decision_date)
    rating = OcopRating(
        product=product,
        stars=clean.stars,
        score=clean.score,
        decision_number=clean.decision_number,
        decision_date=clean.decision_date,
        recognising_body=clean.recognising_body,
        expires_on=ocop_rules().expires_on(clean.decision_date),
        is_sample=product.is_sample,
    )
    rating.save()
    audit_created(
        actor=actor,
        channel=channel,
        entity=RATING_ENTITY,
        record=rating,
        fields=RATING_FIELDS,
    )
    return rating


@transaction.atomic
def ocop_rating_add(
    *, actor: Actor, product: OcopProduct, data: RatingIn, channel: str = Channel.WEB
) -> OcopRating:
    """A new rating decision (a first rating, a renewal or an upgrade)."""
    authorize(actor=actor, action=Action.RECORD_REGISTRY, unit=product.unit)
    rating = _rating_create(actor=actor, product=product, data=data, channel=channel)
    ocop_sync_later([product.unit], _years_from(rating.decision_date))
    return rating


@transaction.atomic
def ocop_rating_update(
    *, actor: Actor, rating: OcopRating, data: RatingIn, channel: str = Channel.WEB
) -> OcopRating:
    product = rating.product
    authorize(actor=actor, action=Action.RECORD_REGISTRY, unit=product.unit)
    clean = check_rating(data)
    if (
        product.ratings.filter(decision_date=clean.decision_date)
        .exclude(pk=rating.pk)
        .exists()
    ):
        raise _duplicate(clean.decision_date)
    old_day = rating.decision_date
    changed = update_audited(
        actor=actor,
        channel=channel,
        entity=RATING_ENTITY,
        record=rating,
        fields=RATING_FIELDS,
        values={
            "stars": clean.stars,
            "score": clean.score,
            "decision_number": clean.decision_number,
            "decision_date": clean.decision_date,
            "recognising_body": clean.recognising_body,
            "expires_on": ocop_rules().expires_on(clean.decision_date),
        },
        conflict=lambda: _duplicate(clean.decision_date),
    )
    if not changed:
        return rating
    ocop_sync_later([product.unit], _years_from(old_day, clean.decision_date))
    return rating
