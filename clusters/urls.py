from django.urls import path

from . import views

app_name = "clusters"

urlpatterns = [
    path("<int:pk>/", views.cluster_detail_view, name="cluster-detail"),
    path("switch/", views.cluster_switch, name="cluster-switch"),
]
