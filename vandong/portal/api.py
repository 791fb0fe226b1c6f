"""The public API: the portal's data as JSON, no login, mounted at
/api/v1/public (`vandong.portal.api.router`).

The same answers the pages are made of (`payloads`): a province's public
years, key figures, targets and communes; a commune's records; the series
of a province's charts; and a petition by its tracking code. Figures of a
year appear only while it is published and fully approved; nothing personal
appears at all. Answers carry Cache-Control and an ETag (a request with
If-None-Match gets 304 while the answer is unchanged); the tracking answer
is never cached and is rate limited like the tracking page.
"""

import hashlib
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from ninja import Router

from vandong.geo.models import Level, Unit
from vandong.portal import limits, pagecache, payloads, state, tracking

router = Router(tags=["public portal"])


def _json(body: Any, status: int = 200) -> HttpResponse:
    return HttpResponse(
        json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False),
        status=status,
        content_type="application/json; charset=utf-8",
    )


def _error(status: int, code: str, vi: str, en: str) -> HttpResponse:
    response = _json({"code": code, "message_vi": vi, "message_en": en}, status)
    response["Cache-Control"] = "no-store"
    return response


def _cached(request: HttpRequest, parts: tuple[object, ...], build: Any) -> Any:
    """The answer for `parts` as JSON with its caching headers; 304 when the
    client's ETag matches."""
    return pagecache.respond(
        request,
        ("api", *parts),
        lambda: json.dumps(build(), cls=DjangoJSONEncoder, ensure_ascii=False).encode(),
        content_type="application/json; charset=utf-8",
        by_language=False,
    )


def _unit(code: str, on: str | None, level: int) -> Unit | None:
    return payloads.find_unit(code, payloads.parse_day(on), level)


def _not_found(what_vi: str, what_en: str) -> HttpResponse:
    return _error(
        404, "not_found", f"Không có {what_vi} mã này.", f"No {what_en} has this code."
    )


@router.get(
    "/provinces",
    auth=None,
    summary="Provinces with published years",
    description="Each province that has published a year: code, name and the "
    "years public now (published and still fully approved).",
)
def provinces(request: HttpRequest) -> HttpResponse:
    data = payloads.provinces()
    digest = hashlib.sha256(repr(data["provinces"]).encode()).hexdigest()
    return _cached(request, ("provinces", digest), lambda: data)  # type: ignore[no-any-return]


@router.get(
    "/provinces/{code}",
    auth=None,
    summary="A province in a year",
    description="`year` (default: the latest public year), `tree` legacy (as "
    "reported, before the 2025 reform) or current (today's units), `on` (a "
    "day the code names the province on; default today). `published` says "
    "whether the year's figures are public; `headlines` and `targets` are "
    "given only then, as are the communes' statuses.",
)
def province(
    request: HttpRequest,
    code: str,
    year: str | None = None,
    tree: str | None = None,
    on: str | None = None,
) -> HttpResponse:
    asked = _province_asked(code, year, tree, on)
    if asked is None:
        return _not_found("tỉnh", "province")
    unit, chosen, chosen_tree, parts = asked
    return _cached(  # type: ignore[no-any-return]
        request,
        parts,
        lambda: payloads.province(unit, chosen, chosen_tree, parts),
    )


def _province_asked(
    code: str, year: str | None, tree: str | None, on: str | None
) -> tuple[Unit, Any, Any, Any] | None:
    """The province, year, tree and cache key a request asks for; None if
    no province has the code."""
    unit = _unit(code, on, Level.PROVINCE)
    if unit is None:
        return None
    chosen = payloads.choose_year(year, state.public_years(unit))
    chosen_tree = payloads.choose_tree(tree, chosen)
    return unit, chosen, chosen_tree, payloads.province_parts(unit, chosen, chosen_tree)


@router.get(
    "/provinces/{code}/charts",
    auth=None,
    summary="The series of a province's charts",
    description="The public years' values of the charts' indicators up to "
    "`year`, and the communes by status in `year`; empty while the year is "
    "not public.",
)
def province_charts(
    request: HttpRequest,
    code: str,
    year: str | None = None,
    tree: str | None = None,
    on: str | None = None,
) -> HttpResponse:
    asked = _province_asked(code, year, tree, on)
    if asked is None:
        return _not_found("tỉnh", "province")
    unit, chosen, chosen_tree, parts = asked
    return _cached(  # type: ignore[no-any-return]
        request,
        ("charts", *parts),
        lambda: payloads.province_charts(unit, chosen, chosen_tree, parts),
    )


@router.get(
    "/communes/{code}",
    auth=None,
    summary="A commune or ward in a year",
    description="Its public records (recognitions, contributions by purpose "
    "and project, OCOP products, dialogue conferences, petition counts) and, "
    "while the year is public, its status, key figures and criteria "
    "scorecards. `on`: a day the code names the commune on (codes were reused "
    "at the 2025 reform); default today.",
)
def commune(
    request: HttpRequest, code: str, year: str | None = None, on: str | None = None
) -> HttpResponse:
    unit = _unit(code, on, Level.COMMUNE)
    if unit is None:
        return _not_found("xã, phường", "commune or ward")
    public = state.public_years(payloads.province_of(unit))
    chosen = payloads.choose_year(year, frozenset(payloads.commune_years(unit, public)))
    parts = payloads.commune_parts(unit, chosen)
    return _cached(  # type: ignore[no-any-return]
        request, parts, lambda: payloads.commune(unit, chosen, parts)
    )


@router.get(
    "/petitions/{code}",
    auth=None,
    summary="Track a petition by its code",
    description="Where the petition stands and the answer; never its text nor "
    "who sent it. Rate limited per client address and in total (429).",
)
def petition(request: HttpRequest, code: str) -> HttpResponse:
    if limits.over(request, "track"):
        return _error(
            429,
            "rate_limited",
            "Bạn tra cứu quá nhiều lần. Hãy thử lại sau ít phút.",
            "Too many look-ups. Try again in a few minutes.",
        )
    found = tracking.track(code)
    if found is None:
        return _error(
            404,
            "not_found",
            "Không tìm thấy kiến nghị có mã này.",
            "No petition has this code.",
        )
    response = _json(found)
    response["Cache-Control"] = "no-store"
    return response
