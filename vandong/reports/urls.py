from django.urls import path

from vandong.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:template>/<str:unit>/<str:phase>/", views.report_page, name="report"),
    path(
        "<slug:template>/<str:unit>/<str:phase>/file.<str:fmt>",
        views.download,
        name="download",
    ),
    path(
        "<slug:template>/<str:unit>/<str:phase>/chart/<str:key>.png",
        views.chart,
        name="chart",
    ),
    path(
        "<slug:template>/<str:unit>/<str:phase>/figure/<str:name>/",
        views.figure_page,
        name="figure",
    ),
]
