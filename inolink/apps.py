from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class InolinkConfig(AppConfig):
    """Project-wide pieces: template filters, health check, calendar files, page panels."""

    name = "inolink"
    verbose_name = _("InoLink")

    def ready(self):
        # Each app contributes its panels to lower apps' pages in ``<app>/panels.py`` (see inolink.panels).
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("panels")


class InolinkAdminConfig(admin_apps.AdminConfig):
    """Django's admin on the project's site, which checks hostile input for every model (inolink.admin)."""

    default = False  # named in INSTALLED_APPS; InolinkConfig stays the inolink app's own
    default_site = "inolink.admin.InolinkAdminSite"
