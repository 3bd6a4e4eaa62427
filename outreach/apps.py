from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    """Reaching people: invitations to the programme (and, later, messages to chosen groups).

    Above events in the import order (accounts → … → consultations → events → outreach → reports): an invitation
    gives a cluster's management (clusters) or an expert's service areas (consultations).
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "outreach"
    verbose_name = _("Outreach")
