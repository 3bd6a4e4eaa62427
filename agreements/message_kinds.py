"""The message kind about agreements: a period ending in 30 days, and the sweep that finds it due.

(See ``notifications.registry`` for how a kind is declared.)
"""

import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.selectors import active_staff
from notifications.registry import MessageKind, register
from notifications.sweeps import Sweep, register_sweep

from .models import Agreement

AGREEMENT_ENDING_DAYS = 30


# An agreement's period ends in 30 days ------------------------------------------------------------


def _agreement_still_ending(agreement, message) -> bool:
    """Not terminated meanwhile, and (for sweep occasions, which name the date) the end date has not moved."""
    if agreement.terminated_on is not None:
        return False
    if message.occasion.startswith("ends-"):
        return message.occasion == f"ends-{agreement.ends_on.isoformat()}"
    return True


register(
    MessageKind(
        key="agreement_ending",
        model="agreements.Agreement",
        verbose_name=_("Agreement period ending"),
        subject=lambda obj, ctx: (
            _("Agreement %(number)s with %(cluster)s ends on %(date)s")
            % {"number": obj.number, "cluster": obj.cluster, "date": date_format(obj.ends_on, "DATE_FORMAT")}
        ),
        template="agreements/emails/agreement_ending",
        recipients=lambda obj: [*active_staff(), *obj.cluster.managers.all()],
        context=lambda obj, message: {"days_left": (obj.ends_on - timezone.localdate()).days},
        still_relevant=lambda obj, message: _agreement_still_ending(obj, message),
        select_related=("cluster", "programme"),
    )
)


def agreements_ending(now: datetime.datetime):
    """Live, fully signed agreements whose period ends within the next 30 days (today included)."""
    today = timezone.localdate(now)
    return (
        Agreement.objects.live()
        .fully_signed()
        .filter(ends_on__gte=today, ends_on__lte=today + datetime.timedelta(days=AGREEMENT_ENDING_DAYS))
        .select_related("cluster")
        .prefetch_related("cluster__managers")
    )


register_sweep(
    Sweep(
        name="agreement_ending",
        kind="agreement_ending",
        candidates=agreements_ending,
        # A changed end date is a new occasion: people hear about the new date too.
        occasion=lambda obj, now: f"ends-{obj.ends_on.isoformat()}",
        recipients=lambda obj, occasion, run: [*run.staff, *obj.cluster.managers.all()],
    )
)
