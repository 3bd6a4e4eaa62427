"""The message kind about excellence labels: a label expiring in 90 days, and the sweep that finds it due.

(See ``notifications.registry`` for how a kind is declared.)
"""

import datetime

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.selectors import active_staff
from inolink.ical import absolute_url
from notifications.registry import MessageKind, register
from notifications.sweeps import Sweep, register_sweep

from .models import LabelAward

LABEL_EXPIRING_DAYS = 90


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
        template="clusters/emails/label_expiring",
        recipients=lambda obj: [*active_staff(), *obj.cluster.managers.all()],
        context=lambda obj, message: {
            "days_left": (obj.valid_until - timezone.localdate()).days,
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
