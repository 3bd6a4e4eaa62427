"""The message kinds about excellence labels and the sweeps that find them due: a label expiring in 90 days, a
benchmarking window opening, and a window closing with nothing planned.

(See ``notifications.registry`` for how a kind is declared.)
"""

import datetime
from functools import lru_cache

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.selectors import active_staff
from inolink.formatting import month_label
from inolink.ical import absolute_url
from notifications.registry import MessageKind, register
from notifications.sweeps import Sweep, register_sweep

from .models import Benchmarking, Cluster, LabelAward, LabelLevel, LabelRules, add_months, month_end, month_start
from .selectors import latest_bronze, planned_benchmarkings, silver_window, with_road

LABEL_EXPIRING_DAYS = 90


# A cluster's excellence label expires in 90 days --------------------------------------------------

register(
    MessageKind(
        key="label_expiring",
        model="clusters.LabelAward",
        verbose_name=_("Excellence label expiring"),
        subject=lambda obj, ctx: (
            _("The %(level)s label of %(cluster)s expires on %(date)s")
            % {
                "level": obj.get_level_display(),
                "cluster": obj.cluster,
                "date": date_format(obj.valid_until, "DATE_FORMAT"),
            }
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


# A benchmarking window opens, or closes soon with nothing planned ---------------------------------------------
# Two windows: the silver re-benchmarking's (the label rules' months after the first bronze) and the bronze
# renewal's, which we open RENEWAL_WINDOW_OPENS_MONTHS before the label expires (a renewal may be held before the
# expiry too: it extends the previous validity period whenever it is held) and which closes at the rules' renew-by
# month. Each window gives one "opens" message, to the managers, and one "closing" message WINDOW_CLOSING_DAYS
# before its last day if nothing of the kind is planned, to the managers and staff.

RENEWAL_WINDOW_OPENS_MONTHS = 6
WINDOW_CLOSING_DAYS = 60

WINDOW_KINDS = {"silver": Benchmarking.Kind.SILVER, "renewal": Benchmarking.Kind.BRONZE_RENEWAL}


def _window_context(obj, message):
    # The record keeps the months as "2027-04"; the email names them in the recipient's language.
    return {
        "window": message.context["window"],
        "window_from": month_label(datetime.date.fromisoformat(f"{message.context['from']}-01")),
        "window_to": month_label(datetime.date.fromisoformat(f"{message.context['to']}-01")),
        "object_url": absolute_url(obj.get_absolute_url()),
    }


def _nothing_planned(obj, message) -> bool:
    return not Benchmarking.objects.planned().filter(cluster=obj, kind=WINDOW_KINDS[message.context["window"]]).exists()


def _window_subject(opens: bool):
    def subject(obj, ctx):
        values = {"cluster": obj, "from": ctx["window_from"], "to": ctx["window_to"]}
        if ctx["window"] == "silver":
            if opens:
                return _("%(cluster)s: the silver re-benchmarking window is open (%(from)s – %(to)s)") % values
            return _("%(cluster)s: the silver re-benchmarking window closes %(to)s, nothing planned") % values
        if opens:
            return _("%(cluster)s: the bronze label can be renewed now (until %(to)s)") % values
        return _("%(cluster)s: the bronze renewal window closes %(to)s, nothing planned") % values

    return subject


for _key, _opens, _name in (
    ("benchmarking_window_open", True, _("Benchmarking window open")),
    ("benchmarking_window_closing", False, _("Benchmarking window closing, nothing planned")),
):
    register(
        MessageKind(
            key=_key,
            model="clusters.Cluster",
            verbose_name=_name,
            subject=_window_subject(_opens),
            template=f"clusters/emails/{_key}",
            recipients=lambda obj: obj.managers.all(),
            context=_window_context,
            still_relevant=_nothing_planned,
        )
    )


@lru_cache(maxsize=1)
def _rules_for_run(now: datetime.datetime) -> LabelRules:
    """The label rules, read once per sweep run (each run has its own ``now``) rather than once per cluster."""
    return LabelRules.load()


def _silver_window(cluster, now):
    return silver_window(cluster, rules=_rules_for_run(now))


def _renewal_window(cluster, now):
    bronze = latest_bronze(cluster)
    if bronze is None:
        return None
    rules = _rules_for_run(now)
    return add_months(month_start(bronze.valid_until), -RENEWAL_WINDOW_OPENS_MONTHS), rules.renew_by(bronze.valid_until)


def _window_due(window_of, name: str, *, opens: bool):
    """The occasion of a window's message if it is due at ``now`` and nothing of the kind is planned, else None."""

    def occasion(cluster, now):
        window = window_of(cluster, now)
        if window is None or any(b.kind == WINDOW_KINDS[name] for b in planned_benchmarkings(cluster)):
            return None
        today = timezone.localdate(now)
        first, last = window[0], month_end(window[1])
        if opens and first <= today <= last:
            return f"{name}-opens-{first:%Y-%m}"
        if not opens and last - datetime.timedelta(days=WINDOW_CLOSING_DAYS) <= today <= last:
            return f"{name}-closes-{window[1]:%Y-%m}"
        return None

    return occasion


def _window_context_at(window_of, name: str):
    def context(cluster, now):
        window = window_of(cluster, now)
        return {"window": name, "from": f"{window[0]:%Y-%m}", "to": f"{window[1]:%Y-%m}"}

    return context


def clusters_with_bronze(now: datetime.datetime):
    """Clusters that ever held a bronze label: the ones with a silver or renewal window."""
    bronze = LabelAward.objects.filter(cluster=OuterRef("pk"), level=LabelLevel.BRONZE)
    return with_road(Cluster.objects.filter(Exists(bronze))).prefetch_related("managers")


for _name, _window_of in (("silver", _silver_window), ("renewal", _renewal_window)):
    register_sweep(
        Sweep(
            name=f"{_name}_window_open",
            kind="benchmarking_window_open",
            candidates=clusters_with_bronze,
            occasion=_window_due(_window_of, _name, opens=True),
            recipients=lambda obj, occasion, run: obj.managers.all(),
            context=_window_context_at(_window_of, _name),
        )
    )
    register_sweep(
        Sweep(
            name=f"{_name}_window_closing",
            kind="benchmarking_window_closing",
            candidates=clusters_with_bronze,
            occasion=_window_due(_window_of, _name, opens=False),
            recipients=lambda obj, occasion, run: [*run.staff, *obj.managers.all()],
            context=_window_context_at(_window_of, _name),
        )
    )
