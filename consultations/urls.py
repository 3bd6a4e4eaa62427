from django.urls import path

from . import views

app_name = "consultations"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("my-sessions/", views.my_sessions, name="my-sessions"),
]
