"""The application's URLs plus the benchmark's floor view; used only by `make bench`."""

from django.urls import include, path

from .views import floor

urlpatterns = [
    path("bench/floor/", floor, name="bench-floor"),
    path("", include("inolink.urls")),
]
