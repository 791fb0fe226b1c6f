"""OCOP API, mounted at /api/v1/: products with their rating history (list,
create, update), rating decisions (add, update), counts valid at a date.
Scoped like the pages: VIEW to read, RECORD_REGISTRY to write; refusals in
Vietnamese and English."""

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from vandong.core.models import Channel
from vandong.geo import queries as geo_queries
from vandong.registries.common.api import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    RESPONSES_409,
    unit_filter,
)
from vandong.registries.common.units import unit_by_code
from vandong.registries.models import OcopProduct, OcopRating
from vandong.registries.ocop import queries, services

router = Router()


class RatingIn(Schema):
    stars: int = Field(description="3, 4 or 5")
    score: int | None = Field(
        None, description="0-100; must lie in the stars' band (QĐ 148/QĐ-TTg)"
    )
    decision_number: str = Field(max_length=60)
    decision_date: datetime.date
    recognising_body: str = Field(
        "", max_length=200, description="Default: the body the rules name"
    )


class ProductIn(Schema):
    unit: str = Field(description="Commune code, read on `valid_on`")
    valid_on: datetime.date | None = Field(
        None,
        description="The day the code is read on; default the first rating's "
        "decision date, else today",
    )
    name: str = Field(max_length=200)
    group: str = Field(
        description="food, drinks, herbal, handicraft, ornamental or tourism"
    )
    producer_name: str = Field(max_length=200)
    producer_kind: str = Field(
        description="cooperative, enterprise, household or other"
    )
    note: str = Field("", max_length=500)
    ratings: list[RatingIn] = Field(default_factory=list)


class ProductPatch(Schema):
    unit: str | None = None
    valid_on: datetime.date | None = None
    name: str | None = Field(None, max_length=200)
    group: str | None = None
    producer_name: str | None = Field(None, max_length=200)
    producer_kind: str | None = None
    note: str | None = Field(None, max_length=500)


class RatingOut(Schema):
    id: int
    stars: int
    score: int | None
    decision_number: str
    decision_date: datetime.date
    recognising_body: str
    expires_on: datetime.date = Field(description="The day the rating lapses")


class ProductOut(Schema):
    id: int
    unit: str
    unit_name: str
    name: str
    group: str
    producer_name: str
    producer_kind: str
    note: str
    is_sample: bool = Field(description="Constructed demo record")
    stars_on: int | None = Field(description="Stars valid on the list's date")
    ratings: list[RatingOut] = Field(description="Newest first")


class ProductListOut(Schema):
    items: list[ProductOut]
    count: int


class ProductFilter(Schema):
    unit: str | None = Field(None, description="Unit code: its subtree")
    on: datetime.date | None = Field(
        None, description="The day for `stars` and `stars_on`, and the unit code"
    )
    group: str = ""
    producer_kind: str = ""
    stars: int | None = Field(None, description="Products with this many stars on `on`")
    q: str = ""
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class CountsFilter(Schema):
    on: datetime.date | None = Field(None, description="Default today")
    unit: str | None = Field(None, description="Unit code: counts per child unit")


class CountRowOut(Schema):
    unit: str | None
    unit_name: str
    stars_3: int
    stars_4: int
    stars_5: int
    total: int


class CountsOut(Schema):
    on: datetime.date
    rows: list[CountRowOut]
    total: CountRowOut


def _rating_out(r: OcopRating) -> dict[str, Any]:
    return {
        "id": r.pk,
        "stars": r.stars,
        "score": r.score,
        "decision_number": r.decision_number,
        "decision_date": r.decision_date,
        "recognising_body": r.recognising_body,
        "expires_on": r.expires_on,
    }


def _product_out(p: OcopProduct, day: datetime.date) -> dict[str, Any]:
    current = queries.current_rating(p, day)
    return {
        "id": p.pk,
        "unit": p.unit.code,
        "unit_name": p.unit.name,
        "name": p.name,
        "group": p.group,
        "producer_name": p.producer_name,
        "producer_kind": p.producer_kind,
        "note": p.note,
        "is_sample": p.is_sample,
        "stars_on": current.stars if current else None,
        "ratings": [_rating_out(r) for r in p.ratings.all()],
    }


def _rating_data(r: RatingIn) -> services.RatingIn:
    return services.RatingIn(
        stars=r.stars,
        score=r.score,
        decision_number=r.decision_number,
        decision_date=r.decision_date,
        recognising_body=r.recognising_body,
    )


def _reload(request: HttpRequest, pk: int) -> dict[str, Any]:
    product = queries.ocop_product_get(actor=request.user, pk=pk)
    return _product_out(product, geo_queries.today())


@router.get(
    "/ocop-products",
    response={200: ProductListOut, **RESPONSES_409},
    url_name="ocop-product-list",
    summary="OCOP products in your scope, with their ratings",
)
def product_list(request: HttpRequest, filters: Query[ProductFilter]) -> dict[str, Any]:
    day = filters.on or geo_queries.today()
    within = unit_filter(filters.unit, day)
    qs = queries.ocop_product_list(
        actor=request.user,
        within=within,
        group=filters.group,
        producer_kind=filters.producer_kind,
        text=filters.q.strip(),
        stars=filters.stars,
        on=day,
    )
    page = qs[filters.offset : filters.offset + filters.limit]
    return {"items": [_product_out(p, day) for p in page], "count": qs.count()}


@router.post(
    "/ocop-products",
    response={201: ProductOut, **RESPONSES_409},
    url_name="ocop-product-create",
    summary="Register a product, with its rating decisions if given",
)
def product_create(request: HttpRequest, payload: ProductIn) -> Status[dict[str, Any]]:
    first = min((r.decision_date for r in payload.ratings), default=None)
    day = payload.valid_on or first or geo_queries.today()
    product = services.ocop_product_create(
        actor=request.user,
        data=services.ProductIn(
            unit=unit_by_code(payload.unit, day),
            name=payload.name,
            group=payload.group,
            producer_name=payload.producer_name,
            producer_kind=payload.producer_kind,
            note=payload.note,
        ),
        ratings=[_rating_data(r) for r in payload.ratings],
        channel=Channel.API,
    )
    return Status(201, _reload(request, product.pk))


@router.patch(
    "/ocop-products/{int:pk}",
    response={200: ProductOut, **RESPONSES_409},
    url_name="ocop-product-update",
    summary="Change a product (the fields given)",
)
def product_update(
    request: HttpRequest, pk: int, payload: ProductPatch
) -> dict[str, Any]:
    product = queries.ocop_product_get(actor=request.user, pk=pk)
    unit = (
        unit_by_code(payload.unit, payload.valid_on or geo_queries.today())
        if payload.unit
        else product.unit
    )
    services.ocop_product_update(
        actor=request.user,
        product=product,
        data=services.ProductIn(
            unit=unit,
            name=payload.name if payload.name is not None else product.name,
            group=payload.group if payload.group is not None else product.group,
            producer_name=payload.producer_name
            if payload.producer_name is not None
            else product.producer_name,
            producer_kind=payload.producer_kind
            if payload.producer_kind is not None
            else product.producer_kind,
            note=payload.note if payload.note is not None else product.note,
        ),
        channel=Channel.API,
    )
    return _reload(request, pk)


@router.post(
    "/ocop-products/{int:pk}/ratings",
    response={201: ProductOut, **RESPONSES_409},
    url_name="ocop-rating-create",
    summary="Add a rating decision (first rating, renewal or upgrade)",
)
def rating_create(
    request: HttpRequest, pk: int, payload: RatingIn
) -> Status[dict[str, Any]]:
    product = queries.ocop_product_get(actor=request.user, pk=pk)
    services.ocop_rating_add(
        actor=request.user,
        product=product,
        data=_rating_data(payload),
        channel=Channel.API,
    )
    return Status(201, _reload(request, pk))


@router.put(
    "/ocop-products/{int:pk}/ratings/{int:rating_pk}",
    response={200: ProductOut, **RESPONSES_409},
    url_name="ocop-rating-update",
    summary="Correct a rating decision",
)
def rating_update(
    request: HttpRequest, pk: int, rating_pk: int, payload: RatingIn
) -> dict[str, Any]:
    product = queries.ocop_product_get(actor=request.user, pk=pk)
    rating = queries.ocop_rating_get(actor=request.user, product=product, pk=rating_pk)
    services.ocop_rating_update(
        actor=request.user,
        rating=rating,
        data=_rating_data(payload),
        channel=Channel.API,
    )
    return _reload(request, pk)


def _row_out(row: queries.CountRow) -> dict[str, Any]:
    return {
        "unit": row.unit.code if row.unit else None,
        "unit_name": row.unit.name if row.unit else "",
        "stars_3": row.stars(3),
        "stars_4": row.stars(4),
        "stars_5": row.stars(5),
        "total": row.total,
    }


@router.get(
    "/ocop-products/counts",
    response={200: CountsOut, **RESPONSES_409},
    url_name="ocop-counts",
    summary="Products valid on a date, by stars and by unit",
)
def counts(request: HttpRequest, filters: Query[CountsFilter]) -> dict[str, Any]:
    day = filters.on or geo_queries.today()
    within = unit_filter(filters.unit, day)
    result = queries.ocop_counts(actor=request.user, day=day, within=within)
    return {
        "on": day,
        "rows": [_row_out(r) for r in result.rows],
        "total": _row_out(result.total),
    }
