from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InolinkConfig(AppConfig):
    """Project-wide pieces: template filters, health check, calendar files, page panels."""

    name = "inolink"
    verbose_name = _("InoLink")

    def ready(self):
        # Each app contributes its panels to lower apps' pages in ``<app>/panels.py`` (see inolink.panels).
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("panels")
