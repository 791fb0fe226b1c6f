from django.urls import path

from vandong.petitions import views

app_name = "petitions"
urlpatterns = [
    path("", views.petition_list, name="list"),
    path("new/", views.petition_create, name="create"),
    path("export.xlsx", views.petition_export, name="export"),
    path("summary/", views.summary, name="summary"),
    path("<int:pk>/", views.petition_detail, name="detail"),
    path("<int:pk>/edit/", views.petition_edit, name="edit"),
    path("<int:pk>/attachments/", views.attachment_upload, name="attachment-upload"),
    path("<int:pk>/<str:step>/", views.petition_step, name="step"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("supervision/", views.supervision_list, name="supervision-list"),
    path("supervision/new/", views.supervision_create, name="supervision-create"),
    path(
        "supervision/export.xlsx",
        views.supervision_export,
        name="supervision-export",
    ),
    path("supervision/<int:pk>/", views.supervision_detail, name="supervision"),
    path(
        "supervision/<int:pk>/edit/",
        views.supervision_edit,
        name="supervision-edit",
    ),
    path(
        "supervision/<int:pk>/recommendations/",
        views.recommendation_add,
        name="recommendation-add",
    ),
    path(
        "recommendations/<int:pk>/<str:step>/",
        views.recommendation_step,
        name="recommendation-step",
    ),
]
