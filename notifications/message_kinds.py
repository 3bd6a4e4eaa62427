"""Message kinds about agreements and excellence labels, and the sweeps that find them due.

The consultation and event kinds live in their own apps' ``message_kinds.py``
(see ``notifications.registry`` for how to add one).
"""

import datetime

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.selectors import active_staff
from agreements.models import Agreement
from clusters.models import LabelAward
from inolink.ical import absolute_url

from .registry import MessageKind, register
from .sweeps import Sweep, register_sweep

AGREEMENT_ENDING_DAYS = 30
LABEL_EXPIRING_DAYS = 90


def _days_left(day: datetime.date) -> int:
    return (day - timezone.localdate()).days


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
            % {"number": obj.number, "cluster": obj.cluster, "date": obj.ends_on.isoformat()}
        ),
        template="notifications/emails/agreement_ending",
        recipients=lambda obj: [*active_staff(), *obj.cluster.managers.all()],
        context=lambda obj, message: {"days_left": _days_left(obj.ends_on)},
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


# A cluster's excellence label expires in 90 days --------------------------------------------------

register(
    MessageKind(
        key="label_expiring",
        model="clusters.LabelAward",
        verbose_name=_("Excellence label expiring"),
        subject=lambda obj, ctx: (
            _("The %(level)s label of %(cluster)s expires on %(date)s")
            % {"level": obj.get_level_display(), "cluster": obj.cluster, "date": obj.valid_until.isoformat()}
        ),
        template="notifications/emails/label_expiring",
        recipients=lambda obj: [*active_staff(), *obj.cluster.managers.all()],
        context=lambda obj, message: {
            "days_left": _days_left(obj.valid_until),
            # A label has no page of its own: link to its cluster.
            "object_url": absolute_url(obj.cluster.get_absolute_url()),
        },
        still_relevant=lambda obj, message: (
            not LabelAward.objects.filter(
                cluster=obj.cluster_id, level__gte=obj.level, valid_until__gt=obj.valid_until
            ).exists()
        ),
        select_related=("cluster",),
    )
)


def labels_expiring(now: datetime.datetime):
    """Labels valid today that expire within 90 days and have not been renewed by an award at least as high."""
    today = timezone.localdate(now)
    renewed = LabelAward.objects.filter(
        cluster=OuterRef("cluster"), level__gte=OuterRef("level"), valid_until__gt=OuterRef("valid_until")
    )
    return (
        LabelAward.objects.filter(
            awarded_on__lte=today,
            valid_until__gte=today,
            valid_until__lte=today + datetime.timedelta(days=LABEL_EXPIRING_DAYS),
        )
        .exclude(Exists(renewed))
        .select_related("cluster")
        .prefetch_related("cluster__managers")
    )


register_sweep(
    Sweep(
        name="label_expiring",
        kind="label_expiring",
        candidates=labels_expiring,
        occasion=lambda obj, now: f"expires-{obj.valid_until.isoformat()}",
        recipients=lambda obj, occasion, run: [*run.staff, *obj.cluster.managers.all()],
    )
)
