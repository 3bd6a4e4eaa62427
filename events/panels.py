"""What the events app shows on lower apps' pages (see ``inolink.panels``)."""

import datetime

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from inolink.panels import Panel, register_panel
from inolink.todo import TodoItem, TodoSource, register_todo_source

from .message_kinds import OUTCOME_REQUEST_AFTER
from .models import FundingStatus
from .selectors import cluster_event_history, cluster_funding_intents, cluster_partnership_leads, manager_event_todo

URGENT_DAYS = 3  # a to-do due within this many days is marked "due soon"

register_panel(
    Panel(
        slot="clusters.cluster_detail.main",
        template="events/panels/cluster_events.html",
        context=lambda request, cluster: {
            "event_history": cluster_event_history(cluster),
            "partnership_leads": cluster_partnership_leads(cluster),
            "funding_intents": cluster_funding_intents(cluster),
        },
    )
)


def _local_day(moment) -> str:
    return formats.date_format(timezone.localtime(moment))


def _end_of_day(day) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


def _dashboard_todos(request, cluster) -> list[TodoItem]:
    """The manager's event to-dos: deadlines to apply by, outcome reports due, funding calls closing."""
    todo = manager_event_todo(cluster)
    now = timezone.now()
    soon = now + datetime.timedelta(days=URGENT_DAYS)
    items = [
        TodoItem(
            kind="apply",
            title=event.title,
            text=_("Registration closes on %(day)s.") % {"day": _local_day(event.registration_deadline)},
            url=event.get_absolute_url(),
            action=_("See the event"),
            due=event.registration_deadline,
            urgent=event.registration_deadline <= soon,
        )
        for event in todo["to_apply"]
    ]
    items += [
        TodoItem(
            kind="report",
            title=participation.event.title,
            text=_("The event ended on %(day)s: report what it brought your cluster.")
            % {"day": _local_day(participation.event.ends_at)},
            url=reverse("events:outcome-report", args=[participation.pk]),
            action=_("Report the outcome"),
            due=participation.event.ends_at + OUTCOME_REQUEST_AFTER,
            urgent=participation.event.ends_at + OUTCOME_REQUEST_AFTER <= now,
        )
        for participation in todo["to_report"]
    ]
    for event in todo["calls_closing"]:
        if event.my_intent:
            text = _("The call closes on %(day)s; your cluster marked it: %(status)s.") % {
                "day": formats.date_format(event.closes_on),
                "status": FundingStatus(event.my_intent).label,
            }
        else:
            text = _("The call closes on %(day)s; your cluster has not marked an intent.") % {
                "day": formats.date_format(event.closes_on)
            }
        due = _end_of_day(event.closes_on)
        items.append(
            TodoItem(
                kind="call",
                title=event.title,
                text=text,
                url=event.get_absolute_url(),
                action=_("See the call"),
                due=due,
                urgent=due <= soon,
            )
        )
    return items


register_todo_source(TodoSource(slot="consultations.dashboard.todo", items=_dashboard_todos, position=20))
