from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts.views import home, set_language
from api.urls import open_data_urlpatterns

from .health import healthz

admin.site.site_header = _("InoLink administration")
admin.site.site_title = _("InoLink")
admin.site.index_title = _("Programme administration")

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("accounts.urls")),
    path("clusters/", include("clusters.urls")),
    path("agreements/", include("agreements.urls")),
    path("consultations/", include("consultations.urls")),
    path("events/", include("events.urls")),
    path("outreach/", include("outreach.urls")),
    path("reports/", include("reports.urls")),
    path("api/v1/", include("api.urls")),
    path("open-data/", include(open_data_urlpatterns)),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
