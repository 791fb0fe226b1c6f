"""OCOP pages: the product list (filters, XLSX), a product with its rating
history, the create and edit forms, and the counts valid at a date.

Reading needs VIEW on the product's unit, writing RECORD_REGISTRY (the
services check it again)."""

import datetime
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from vandong.core.errors import DomainError
from vandong.core.forms import add_domain_error
from vandong.core.models import Channel
from vandong.geo import queries as geo_queries
from vandong.geo.models import Unit
from vandong.registries.common.pages import (
    HtmxHttpRequest,
    choice,
    domain_errors,
    initial_of,
    list_context,
    may_record,
    parse_day,
    parse_int,
    redirect_to,
    render_page,
    require_record,
    saved,
    within_unit,
    xlsx_response,
)
from vandong.registries.models import (
    OcopProduct,
    OcopRating,
    ProducerKind,
    ProductGroup,
    Stars,
)
from vandong.registries.ocop import queries, services, xlsx
from vandong.registries.ocop.bands import ocop_rules
from vandong.registries.ocop.forms import ProductForm, RatingForm


@dataclass
class _Filters:
    on: datetime.date
    within: Unit | None
    group: str
    producer_kind: str
    text: str
    stars: int | None


def _filters(request: HtmxHttpRequest) -> _Filters:
    on = parse_day(request.GET.get("on")) or geo_queries.today()
    stars = parse_int(request.GET.get("stars"))
    return _Filters(
        on=on,
        within=within_unit(request, on),
        group=choice(request, "group", ProductGroup.values),
        producer_kind=choice(request, "producer_kind", ProducerKind.values),
        text=request.GET.get("q", "").strip(),
        stars=stars if stars in Stars.values else None,
    )


def _products(request: HtmxHttpRequest, f: _Filters) -> QuerySet[OcopProduct]:
    return queries.ocop_product_list(
        actor=request.user,
        within=f.within,
        group=f.group,
        producer_kind=f.producer_kind,
        text=f.text,
        stars=f.stars,
        on=f.on,
    )


@login_required
@domain_errors
@require_GET
def product_list(request: HtmxHttpRequest) -> HttpResponse:
    f = _filters(request)
    context = list_context(request, f, _products(request, f))
    day = f.on
    rows = [(p, queries.current_rating(p, day)) for p in context["page"].object_list]
    context |= {
        "on_iso": day.isoformat(),
        "rows": rows,
        "groups": ProductGroup.choices,
        "producer_kinds": ProducerKind.choices,
        "star_choices": Stars.choices,
    }
    return render_page(request, "registries/ocop/list.html", "rows", context)


@login_required
@domain_errors
@require_GET
def product_xlsx(request: HtmxHttpRequest) -> HttpResponse:
    f = _filters(request)
    day = f.on
    data = xlsx.products_workbook(products=_products(request, f), day=day)
    return xlsx_response(data, f"ocop-{day:%Y%m%d}.xlsx")


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def product_create(request: HtmxHttpRequest) -> HttpResponse:
    product_form = ProductForm(request.POST or None, actor=request.user, prefix="p")
    rating_form = RatingForm(request.POST or None, prefix="r")
    with_rating = request.method == "POST" and bool(
        request.POST.get("r-decision_number")
    )
    if (
        request.method == "POST"
        and product_form.is_valid()
        and (not with_rating or rating_form.is_valid())
    ):
        try:
            product = services.ocop_product_create(
                actor=request.user,
                data=product_form.to_data(),
                ratings=[rating_form.to_data()] if with_rating else [],
                channel=Channel.WEB,
            )
        except DomainError as error:
            add_domain_error(
                rating_form if error.field in rating_form.fields else product_form,
                error,
            )
        else:
            return redirect_to(
                request, reverse("registries:ocop-detail", args=[product.pk])
            )
    context = {
        "product_form": product_form,
        "rating_form": rating_form,
        "product": None,
        "rules": ocop_rules(),
    }
    return render_page(request, "registries/ocop/form.html", "form", context)


@login_required
@domain_errors
@require_GET
def product_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    product = queries.ocop_product_get(actor=request.user, pk=pk)
    today = geo_queries.today()
    context = {
        "product": product,
        "ratings": list(product.ratings.all()),
        "current": queries.current_rating(product, today),
        "today": today,
        "rating_form": RatingForm(prefix="r"),
        "rules": ocop_rules(),
        "may_record": may_record(request),
    }
    return render_page(request, "registries/ocop/detail.html", "ratings", context)


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def product_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    product = queries.ocop_product_get(actor=request.user, pk=pk)
    require_record(request, product.unit)
    initial = initial_of(product, services.ProductIn)
    form = ProductForm(
        request.POST or None, actor=request.user, prefix="p", initial=initial
    )
    if (
        saved(
            request,
            form,
            lambda: services.ocop_product_update(
                actor=request.user, product=product, data=form.to_data()
            ),
        )
        is not None
    ):
        return redirect_to(request, reverse("registries:ocop-detail", args=[pk]))
    context = {
        "product_form": form,
        "rating_form": None,
        "product": product,
        "rules": ocop_rules(),
    }
    return render_page(request, "registries/ocop/form.html", "form", context)


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def rating_add(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    product = queries.ocop_product_get(actor=request.user, pk=pk)
    require_record(request, product.unit)
    return _rating_form(request, product, None)


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def rating_edit(request: HtmxHttpRequest, pk: int, rating_pk: int) -> HttpResponse:
    product = queries.ocop_product_get(actor=request.user, pk=pk)
    require_record(request, product.unit)
    rating = queries.ocop_rating_get(actor=request.user, product=product, pk=rating_pk)
    return _rating_form(request, product, rating)


def _rating_form(
    request: HtmxHttpRequest, product: OcopProduct, rating: OcopRating | None
) -> HttpResponse:
    initial = initial_of(rating, services.RatingIn) if rating is not None else {}
    form = RatingForm(request.POST or None, prefix="r", initial=initial)

    def write() -> OcopRating:
        if rating is None:
            return services.ocop_rating_add(
                actor=request.user, product=product, data=form.to_data()
            )
        return services.ocop_rating_update(
            actor=request.user, rating=rating, data=form.to_data()
        )

    if saved(request, form, write) is not None:
        return redirect_to(
            request, reverse("registries:ocop-detail", args=[product.pk])
        )
    context = {
        "product": product,
        "rating": rating,
        "form": form,
        "rules": ocop_rules(),
    }
    return render_page(request, "registries/ocop/rating_form.html", "form", context)


@login_required
@domain_errors
@require_GET
def counts(request: HtmxHttpRequest) -> HttpResponse:
    """Products valid on a date, by stars and by unit."""
    raw = request.GET.get("on", "").strip()
    day = parse_day(raw) or geo_queries.today()
    date_error = (
        _("Not a date: use the form YYYY-MM-DD. Showing today.")
        if raw and not parse_day(raw)
        else ""
    )
    within = within_unit(request, day)
    result = queries.ocop_counts(actor=request.user, day=day, within=within)
    context = {
        "counts": result,
        "on_iso": day.isoformat(),
        "unit_code": request.GET.get("unit", "").strip(),
        "date_error": date_error,
        "within": within,
        "star_values": [3, 4, 5],
        "rules": ocop_rules(),
    }
    return render_page(request, "registries/ocop/counts.html", "table", context)
