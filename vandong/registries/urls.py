from django.urls import path

from vandong.registries.conferences import views as conferences
from vandong.registries.contributions import views as contributions
from vandong.registries.ocop import views as ocop
from vandong.registries.teams import views as teams

app_name = "registries"
urlpatterns = [
    path("contributions/", contributions.contribution_list, name="contributions"),
    path(
        "contributions/new/",
        contributions.contribution_create,
        name="contribution-new",
    ),
    path(
        "contributions/<int:pk>/edit/",
        contributions.contribution_edit,
        name="contribution-edit",
    ),
    path(
        "contributions/<int:pk>/delete/",
        contributions.contribution_delete,
        name="contribution-delete",
    ),
    path(
        "contributions/import/",
        contributions.contributions_import_page,
        name="contributions-import",
    ),
    path(
        "contributions/export.xlsx",
        contributions.contributions_export,
        name="contributions-export",
    ),
    # OCOP products, models and teams, dialogue conferences.
    path("ocop/", ocop.product_list, name="ocop"),
    path("ocop/new/", ocop.product_create, name="ocop-new"),
    path("ocop/counts/", ocop.counts, name="ocop-counts"),
    path("ocop/export.xlsx", ocop.product_xlsx, name="ocop-export"),
    path("ocop/<int:pk>/", ocop.product_detail, name="ocop-detail"),
    path("ocop/<int:pk>/edit/", ocop.product_edit, name="ocop-edit"),
    path("ocop/<int:pk>/ratings/new/", ocop.rating_add, name="ocop-rating-new"),
    path(
        "ocop/<int:pk>/ratings/<int:rating_pk>/edit/",
        ocop.rating_edit,
        name="ocop-rating-edit",
    ),
    path("models/", teams.model_list, name="models"),
    path("models/new/", teams.model_create, name="model-new"),
    path("models/export.xlsx", teams.model_xlsx, name="models-export"),
    path("models/<int:pk>/edit/", teams.model_edit, name="model-edit"),
    path("conferences/", conferences.conference_list, name="conferences"),
    path("conferences/new/", conferences.conference_create, name="conference-new"),
    path(
        "conferences/export.xlsx",
        conferences.conference_xlsx,
        name="conferences-export",
    ),
    path("conferences/<int:pk>/", conferences.conference_detail, name="conference"),
    path(
        "conferences/<int:pk>/edit/",
        conferences.conference_edit,
        name="conference-edit",
    ),
    path(
        "conferences/<int:pk>/commitments/new/",
        conferences.commitment_add,
        name="commitment-new",
    ),
    path(
        "conferences/<int:pk>/commitments/<int:item>/edit/",
        conferences.commitment_edit,
        name="commitment-edit",
    ),
]
