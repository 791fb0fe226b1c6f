from django.urls import path

from vandong.collect import views

app_name = "collect"
urlpatterns = [
    path("", views.home, name="home"),
    path("excel/", views.excel_page, name="excel"),
    path("excel/template/", views.excel_template, name="excel-template"),
    path("imports/", views.batches, name="batches"),
    path("imports/<int:pk>/", views.batch, name="batch"),
    path("imports/running/", views.import_progress, name="import-progress"),
    path(
        "violations/<str:period>/<str:unit_code>/",
        views.violations,
        name="violations",
    ),
    path("<str:data_set>/<str:period>/<str:unit_code>/", views.entry, name="entry"),
    path(
        "<str:data_set>/<str:period>/<str:unit_code>/approval/",
        views.entry_approval,
        name="entry-approval",
    ),
    path(
        "<str:data_set>/<str:period>/<str:unit_code>/cell/<str:element>/",
        views.entry_cell,
        name="entry-cell",
    ),
]
