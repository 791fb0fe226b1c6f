from django.urls import path

from vandong.criteria import views

app_name = "criteria"
urlpatterns = [
    path("", views.set_list, name="sets"),
    path("<str:code>/", views.set_detail, name="set"),
    path(
        "<str:code>/unit/<str:unit_code>/",
        views.scorecard,
        name="scorecard",
    ),
    path("<str:code>/matrix/", views.matrix, name="matrix"),
    path("<str:code>/matrix/xlsx/", views.matrix_xlsx, name="matrix-xlsx"),
    path("<str:code>/nearest/", views.nearest, name="nearest"),
    path(
        "<str:code>/disagreements/",
        views.disagreements,
        name="disagreements",
    ),
]
