"""The one NinjaAPI; each app adds its router here."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from vandong.accounts.auth import ApiTokenAuth, SessionAuth
from vandong.core.errors import DomainError

api = NinjaAPI(
    title="vandong API",
    version="1",
    description=(
        "Read and write the campaign's data. Authenticate with a session cookie or "
        "`Authorization: Bearer <token>` (create tokens with `vandong users token`)."
    ),
    urls_namespace="api",
    auth=[ApiTokenAuth(), SessionAuth()],
)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    body: dict[str, Any] = {
        "code": "unauthenticated",
        "message_vi": "Cần đăng nhập hoặc mã truy cập (token) hợp lệ.",
        "message_en": "Authentication required: log in or send a valid token.",
    }
    return api.create_response(request, body, status=401)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    body: dict[str, Any] = {
        "code": "invalid",
        "message_vi": "Dữ liệu gửi lên không hợp lệ.",
        "message_en": "The request is not valid.",
        "errors": exc.errors,
    }
    return api.create_response(request, body, status=422)


def _add_routers() -> None:
    from vandong.analytics.api import router as analytics_router
    from vandong.analytics.targets.api import router as targets_router
    from vandong.catalog.api import router as catalog_router
    from vandong.collect.api import router as collect_router
    from vandong.criteria.api import router as criteria_router
    from vandong.geo.api import router as geo_router
    from vandong.petitions.api import router as petitions_router
    from vandong.portal.api import router as portal_router
    from vandong.registries.conferences.api import router as conferences_router
    from vandong.registries.contributions.api import router as contributions_router
    from vandong.registries.ocop.api import router as ocop_router
    from vandong.registries.teams.api import router as models_router

    api.add_router("/units", geo_router, tags=["units"])
    api.add_router("/", catalog_router, tags=["catalog"])
    api.add_router("/", collect_router, tags=["data values"])
    api.add_router("/", criteria_router, tags=["criteria"])
    api.add_router("/", analytics_router, tags=["analytics"])
    api.add_router("/", targets_router, tags=["targets"])
    api.add_router("/contributions", contributions_router, tags=["contributions"])
    api.add_router("/petitions", petitions_router, tags=["petitions"])
    api.add_router("/public", portal_router, tags=["public portal"])
    api.add_router("/", ocop_router, tags=["OCOP products"])
    api.add_router("/", models_router, tags=["models and teams"])
    api.add_router("/", conferences_router, tags=["dialogue conferences"])


_add_routers()
