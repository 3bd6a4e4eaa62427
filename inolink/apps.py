from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InolinkConfig(AppConfig):
    """Project-wide pieces: template filters, health check, calendar files."""

    name = "inolink"
    verbose_name = _("InoLink")
