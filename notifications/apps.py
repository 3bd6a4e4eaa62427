from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        # Each app declares its message kinds in ``<app>/message_kinds.py``; importing them fills the registry.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("message_kinds")
