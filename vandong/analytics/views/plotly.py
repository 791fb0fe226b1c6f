"""plotly.min.js served from the installed plotly package (no copy in the
repository, no CDN). Its URL carries the version, so browsers may keep it
for a year; it is sent gzipped to those that accept it."""

import gzip
import re
from functools import cache
from importlib.resources import files

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

YEAR_SECONDS = 365 * 24 * 3600


@cache
def plotly_js() -> bytes:
    return files("plotly").joinpath("package_data/plotly.min.js").read_bytes()


@cache
def plotly_js_gzip() -> bytes:
    return gzip.compress(plotly_js(), compresslevel=6, mtime=0)


@cache
def plotly_js_version() -> str:
    """plotly.js's own version, read from the file's banner."""
    found = re.search(rb"plotly\.js v([0-9][0-9A-Za-z.\-]*)", plotly_js()[:400])
    return found.group(1).decode() if found else "0"


@require_safe
def plotly_script(request: HttpRequest, version: str) -> HttpResponse:
    """The script itself; public, like any library file."""
    if version != plotly_js_version():
        raise Http404("Unknown plotly.js version.")
    gzipped = "gzip" in request.headers.get("Accept-Encoding", "")
    body = plotly_js_gzip() if gzipped else plotly_js()
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    if gzipped:
        response["Content-Encoding"] = "gzip"
    response["Cache-Control"] = f"public, max-age={YEAR_SECONDS}, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    patch_vary_headers(response, ("Accept-Encoding",))
    return response
