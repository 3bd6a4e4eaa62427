from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "events"
    verbose_name = _("Events and funding calls")

    def ready(self):
        # A manager's private calendar feed (consultations) also lists the events their clusters are approved for.
        from consultations.calendar import CALENDAR_SOURCES

        from .selectors import calendar_items_for_manager

        if calendar_items_for_manager not in CALENDAR_SOURCES:
            CALENDAR_SOURCES.append(calendar_items_for_manager)
