"""The public portal (no login), and the officers' publication page."""

from django.urls import path

from vandong.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("tinh/<str:code>/", views.province, name="province"),
    path("tinh/<str:code>/bieu-do/", views.province_charts, name="province-charts"),
    path("xa/<str:code>/", views.commune, name="commune"),
    path("kien-nghi/", views.petition, name="petition"),
    path("kien-nghi/tra-cuu/", views.track, name="track"),
    path("ngon-ngu/", views.language, name="language"),
    path("cong-bo/", views.publish, name="publish"),
]
