"""Whole responses of the public pages kept in memory (`localcache`), keyed
by what they show (the answer's key parts) and the reader's language, served
with an ETag and Last-Modified so a browser revalidates instead of
downloading again.

Pages read nothing of the session (no user, no CSRF token), so one cached
page serves every reader of a language; `Vary` says which request headers
chose it (the language comes from the language cookie or Accept-Language).
"""

import hashlib
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language

from vandong.portal.localcache import memory

PAGE_SECONDS = 300
# What browsers and proxies may reuse without asking again.
MAX_AGE = 60


def page_seconds() -> int:
    return int(getattr(settings, "PORTAL_PAGE_SECONDS", PAGE_SECONDS))


def max_age() -> int:
    return int(getattr(settings, "PORTAL_MAX_AGE", MAX_AGE))


def cache_headers(response: HttpResponse, etag: str, stamp: float) -> None:
    response["ETag"] = etag
    response["Last-Modified"] = http_date(stamp)
    response["Cache-Control"] = f"public, max-age={max_age()}"


def _matches(request: HttpRequest, etag: str) -> bool:
    header = request.headers.get("If-None-Match", "")
    if not header:
        return False
    wanted = {t.strip().removeprefix("W/") for t in header.split(",")}
    return "*" in wanted or etag in wanted


def respond(
    request: HttpRequest,
    parts: tuple[object, ...],
    render: Callable[[], bytes],
    *,
    content_type: str = "text/html; charset=utf-8",
    by_language: bool = True,
) -> HttpResponse:
    """The cached response for `parts` (rendered by `render` on a miss), or
    304 when the browser holds it already."""
    language = get_language() if by_language else ""
    key = (
        "portal:page:"
        + hashlib.sha256(repr((parts, language, content_type)).encode()).hexdigest()
    )

    def build() -> tuple[str, float, bytes]:
        body = render()
        # From the body, which the key determines: the same in every process.
        return '"' + hashlib.sha256(body).hexdigest()[:32] + '"', time.time(), body

    etag, stamp, body = memory.get_or_build(
        key, build, seconds=page_seconds(), size=lambda entry: len(entry[2]) + 256
    )
    response: HttpResponse
    if _matches(request, etag):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type=content_type)
    cache_headers(response, etag, stamp)
    if by_language:
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response
