"""The public pages: the portal's front page, a province, its charts (JSON,
asked for after the page's text) and a commune. No login; nothing of the
session is read, so each page is rendered once per language and state and
served from the cache (`pagecache`)."""

import json
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from vandong.analytics.views.common import CURRENT, LEGACY
from vandong.geo.models import REFORM_DATE, Level, Unit
from vandong.portal import charts, pagecache, payloads, state


def plotly_url() -> str:
    """The URL of plotly.min.js as the analytics pages serve it, "" when
    they do not (the charts then show as tables)."""
    try:
        from vandong.analytics.views.plotly import plotly_js_version

        return reverse("analytics:plotly", args=[plotly_js_version()])
    except (ImportError, NoReverseMatch):
        return ""


def _url(name: str, code: str, **params: Any) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return reverse(name, args=[code]) + (f"?{query}" if query else "")


def province_url(unit: dict[str, Any], **params: Any) -> str:
    return _url("portal:province", unit["code"], on=unit.get("on"), **params)


def commune_url(unit: dict[str, Any], **params: Any) -> str:
    return _url("portal:commune", unit["code"], on=unit.get("on"), **params)


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> bytes:
    return render_to_string(template, context, request=request).encode()


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    data = payloads.provinces()
    for item in data["provinces"]:
        item["url"] = province_url(item)
    parts = ("home", repr(data["provinces"]))
    return pagecache.respond(
        request,
        parts,
        lambda: _render(
            request,
            "portal/home.html",
            {"data": data, "canonical": reverse("portal:home")},
        ),
    )


def _province(request: HttpRequest, code: str) -> Unit:
    unit = payloads.find_unit(
        code, payloads.parse_day(request.GET.get("on")), Level.PROVINCE
    )
    if unit is None:
        raise Http404(_("No province has this code."))
    return unit


def _year_tree(request: HttpRequest, province: Unit) -> tuple[int, str]:
    public = state.public_years(province)
    year = payloads.choose_year(request.GET.get("year"), public)
    tree = payloads.choose_tree(request.GET.get("tree"), year)
    return year, tree


@require_safe
def province(request: HttpRequest, code: str) -> HttpResponse:
    unit = _province(request, code)
    year, tree = _year_tree(request, unit)
    parts = payloads.province_parts(unit, year, tree)

    def render() -> bytes:
        data = payloads.province(unit, year, tree, parts)
        ref = data["province"]
        for row in data["communes"]:
            row["url"] = commune_url(row, year=year)
        return _render(
            request,
            "portal/province.html",
            {
                "data": data,
                "canonical": province_url(ref, year=year, tree=tree),
                "tree_urls": {
                    t: province_url(ref, year=year, tree=t) for t in (LEGACY, CURRENT)
                },
                "year_urls": [
                    (y, province_url(ref, year=y, tree=tree)) for y in data["years"]
                ],
                "charts_url": _url(
                    "portal:province-charts",
                    ref["code"],
                    on=ref.get("on"),
                    year=year,
                    tree=tree,
                ),
                "plotly_url": plotly_url(),
                "before_reform": year < REFORM_DATE.year,
                "petition_url": reverse("portal:petition")
                + "?"
                + urlencode({"tinh": ref["code"]}),
            },
        )

    return pagecache.respond(request, ("page", *parts), render)


@require_safe
def province_charts(request: HttpRequest, code: str) -> HttpResponse:
    unit = _province(request, code)
    year, tree = _year_tree(request, unit)
    parts = payloads.province_parts(unit, year, tree)

    def render() -> bytes:
        data = payloads.province_charts(unit, year, tree, parts)
        body = {
            "year": year,
            "tree": tree,
            "published": data["published"],
            "charts": charts.province_figures(data),
        }
        return json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False).encode()

    return pagecache.respond(
        request,
        ("charts", *parts),
        render,
        content_type="application/json; charset=utf-8",
    )


@require_safe
def commune(request: HttpRequest, code: str) -> HttpResponse:
    unit = payloads.find_unit(
        code, payloads.parse_day(request.GET.get("on")), Level.COMMUNE
    )
    if unit is None:
        raise Http404(_("No commune or ward has this code."))
    province_unit = payloads.province_of(unit)
    years = payloads.commune_years(unit, state.public_years(province_unit))
    year = payloads.choose_year(request.GET.get("year"), frozenset(years))
    parts = payloads.commune_parts(unit, year)

    def render() -> bytes:
        data = payloads.commune(unit, year, parts)
        ref = data["commune"]
        for other in (*data["predecessors"], *data["successors"]):
            other["url"] = commune_url(other)
        return _render(
            request,
            "portal/commune.html",
            {
                "data": data,
                "canonical": commune_url(ref, year=year),
                "year_urls": [(y, commune_url(ref, year=y)) for y in data["years"]],
                "province_url": province_url(
                    data["province"],
                    year=year,
                    tree=LEGACY if ref.get("on") else CURRENT,
                ),
                "petition_url": reverse("portal:petition")
                + "?"
                + urlencode({"tinh": data["province"]["code"], "xa": ref["code"]}),
            },
        )

    return pagecache.respond(request, ("page", *parts), render)


@require_safe
def language(request: HttpRequest) -> HttpResponse:
    """Switch the language by a plain link (the cached pages hold no CSRF
    token for Django's set_language form); harmless, so a GET."""
    code = request.GET.get("lang", "")
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("portal:home")
    response = HttpResponseRedirect(target)
    if code in dict(settings.LANGUAGES) and check_for_language(code):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    response["Cache-Control"] = "no-store"
    return response
