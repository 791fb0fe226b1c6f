from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from vandong.api import api

urlpatterns = [
    # First: machine clients ask the most, and each prefix tried before costs.
    path("api/v1/", api.urls),
    path("", RedirectView.as_view(pattern_name="geo:browse", permanent=False)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("vandong.accounts.urls")),
    path("units/", include("vandong.geo.urls")),
    path("data/", include("vandong.collect.urls")),
    path("criteria/", include("vandong.criteria.urls")),
    path("analytics/", include("vandong.analytics.urls")),
    path("reports/", include("vandong.reports.urls")),
    path("registries/", include("vandong.registries.urls")),
    path("petitions/", include("vandong.petitions.urls")),
    path("cong-khai/", include("vandong.portal.urls")),
    path("admin/", admin.site.urls),
]
