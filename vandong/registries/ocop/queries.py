"""Reads of the OCOP registry, scoped by the caller's VIEW rights, and the
counts of products valid at a date.

A product counts at a day with its latest rating decided by then, if that
rating has not lapsed (decision date <= day < expiry): an upgrade from 3 to 4
stars counts once, as 4 stars from its decision date.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery

from vandong.accounts.permissions import Action
from vandong.accounts.queries import Actor, scope_q
from vandong.geo.models import Unit
from vandong.registries.common.errors import not_found
from vandong.registries.models import OcopProduct, OcopRating


def ocop_product_list(
    *,
    actor: Actor,
    within: Unit | None = None,
    group: str = "",
    producer_kind: str = "",
    text: str = "",
    stars: int | None = None,
    on: datetime.date | None = None,
) -> QuerySet[OcopProduct]:
    """Products in the actor's scope (None: the system, every product), with
    their unit and ratings (newest first). `stars` with `on`: products whose
    rating valid on `on` has that many stars."""
    qs = OcopProduct.objects.all()
    if actor is not None:
        qs = qs.filter(scope_q(actor=actor, action=Action.VIEW, prefix="unit__"))
    if within is not None:
        qs = qs.filter(unit__path__startswith=within.path)
    if group:
        qs = qs.filter(group=group)
    if producer_kind:
        qs = qs.filter(producer_kind=producer_kind)
    if text:
        qs = qs.filter(Q(name__icontains=text) | Q(producer_name__icontains=text))
    if stars is not None:
        day = on or datetime.date.today()  # noqa: DTZ011 - a calendar day
        qs = qs.filter(
            pk__in=valid_ratings(day, qs).filter(stars=stars).values("product_id")
        )
    return qs.select_related("unit", "unit__parent").prefetch_related(
        Prefetch(
            "ratings", queryset=OcopRating.objects.order_by("-decision_date", "-id")
        )
    )


def ocop_product_get(*, actor: Actor, pk: int) -> OcopProduct:
    product = ocop_product_list(actor=actor).filter(pk=pk).first()
    if product is None:
        raise not_found("sản phẩm OCOP", "OCOP product", pk)
    return product


def ocop_rating_get(*, actor: Actor, product: OcopProduct, pk: int) -> OcopRating:
    rating = product.ratings.filter(pk=pk).first()
    if rating is None:
        raise not_found("quyết định công nhận", "rating", pk)
    rating.product = product
    return rating


def valid_ratings(
    day: datetime.date, products: QuerySet[OcopProduct]
) -> QuerySet[OcopRating]:
    """The rating each product holds on `day`: its latest decided by then,
    unless it has lapsed."""
    latest = (
        OcopRating.objects.filter(product=OuterRef("pk"), decision_date__lte=day)
        .order_by("-decision_date", "-id")
        .values("id")[:1]
    )
    ids = products.order_by().annotate(latest=Subquery(latest)).values("latest")
    return OcopRating.objects.filter(id__in=ids, expires_on__gt=day)


def current_rating(product: OcopProduct, day: datetime.date) -> OcopRating | None:
    """From the prefetched ratings: the one valid on `day`, if any."""
    decided = [r for r in product.ratings.all() if r.decision_date <= day]
    if not decided:
        return None
    latest = max(decided, key=lambda r: (r.decision_date, r.pk))
    return latest if latest.is_valid_on(day) else None


@dataclass
class CountRow:
    unit: Unit | None  # None: the total
    by_stars: dict[int, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_stars.values())

    def stars(self, n: int) -> int:
        return self.by_stars.get(n, 0)


@dataclass
class OcopCounts:
    day: datetime.date
    within: Unit | None
    rows: list[CountRow]
    total: CountRow


def valid_counts_by_commune(
    *, day: datetime.date, products: QuerySet[OcopProduct]
) -> dict[int, dict[int, int]]:
    """{commune id: {stars: products valid on `day`}} (one query)."""
    out: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for unit_id, stars in valid_ratings(day, products).values_list(
        "product__unit_id", "stars"
    ):
        out[unit_id][stars] += 1
    return out


def ocop_counts(*, actor: Actor, day: datetime.date, within: Unit | None) -> OcopCounts:
    """Products valid on `day` by stars, per child unit of `within` (or per
    province of the actor's scope when None), and the total."""
    products = OcopProduct.objects.all()
    if actor is not None:
        products = products.filter(
            scope_q(actor=actor, action=Action.VIEW, prefix="unit__")
        )
    if within is not None:
        products = products.filter(unit__path__startswith=within.path)
    per_commune = valid_counts_by_commune(day=day, products=products)
    communes = Unit.objects.in_bulk(list(per_commune))
    depth = len(within.ancestor_ids()) if within is not None else 0
    groups: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    total: dict[int, int] = defaultdict(int)
    for unit_id, by_stars in per_commune.items():
        ancestors = communes[unit_id].ancestor_ids()
        key = ancestors[depth] if len(ancestors) > depth else unit_id
        for stars, n in by_stars.items():
            groups[key][stars] += n
            total[stars] += n
    units = Unit.objects.in_bulk(list(groups))
    rows = sorted(
        (CountRow(units[k], dict(v)) for k, v in groups.items()),
        key=lambda r: r.unit.code if r.unit else "",
    )
    return OcopCounts(
        day=day, within=within, rows=rows, total=CountRow(None, dict(total))
    )
