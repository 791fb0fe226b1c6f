from django.urls import path

from vandong.geo import views

app_name = "geo"
urlpatterns = [
    path("", views.browse, name="browse"),
    path("search/", views.search, name="search"),
    path("<str:code>/", views.unit_detail, name="unit"),
    path(
        "<str:code>/commune-group/",
        views.unit_commune_group,
        name="unit-commune-group",
    ),
]
