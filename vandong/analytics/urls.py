from django.urls import path

from vandong.analytics import views

app_name = "analytics"
urlpatterns = [
    path("", views.home, name="home"),
    path("pivot/", views.pivot_page, name="pivot"),
    path("pivot/xlsx/", views.pivot_xlsx, name="pivot-xlsx"),
    path("pivot/csv/", views.pivot_csv, name="pivot-csv"),
    path("units/<str:code>/", views.unit_series, name="unit"),
    path("state/", views.store_state, name="state"),
    path("js/plotly-<str:version>.min.js", views.plotly_script, name="plotly"),
    path("<str:code>/", views.dashboard, name="dashboard"),
]
