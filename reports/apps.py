from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        # Each app registers its report tables in ``<app>/report_tables.py`` (see inolink.tables).
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("report_tables")
