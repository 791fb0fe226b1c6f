"""The site's URLs with the public API mounted at /api/v1/public, as the lead
mounts `vandong.portal.api.router` in vandong/api.py (a NinjaAPI of its own
here, so the tests hold whether or not the main API mounts it yet)."""

from django.urls import path
from ninja import NinjaAPI

from vandong.portal.api import router
from vandong.urls import urlpatterns as site

public_api = NinjaAPI(urls_namespace="portal-test-api", docs_url=None)
public_api.add_router("/public", router)

urlpatterns = [path("api/v1/", public_api.urls), *site]
