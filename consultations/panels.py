"""What the consultations app shows on lower apps' pages (see ``inolink.panels``)."""

import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from inolink.formatting import day_and_time, hours_number
from inolink.panels import Panel, register_panel
from inolink.todo import TodoItem, TodoSource, register_todo_source

from .selectors import allocations_with_usage, manager_todo

# The cluster manager's start page gathers what needs the manager here (see ``inolink.todo``).
DASHBOARD_TODO_SLOT = "consultations.dashboard.todo"

register_panel(
    Panel(
        slot="agreements.agreement_detail.side",
        template="consultations/panels/agreement_hours.html",
        context=lambda request, agreement: {"allocations": allocations_with_usage().filter(agreement=agreement)},
    )
)


def _dashboard_todos(request, cluster) -> list[TodoItem]:
    """The manager's consultation to-dos: sessions to rate, then requests the expert declined (book again)."""
    todo = manager_todo(cluster)
    items = [
        TodoItem(
            kind="rate",
            title=consultation.topic,
            text=_("%(expert)s logged the outcome of the session of %(day)s: read it and rate it.")
            % {"expert": consultation.expert, "day": formats.date_format(timezone.localtime(consultation.starts_at))},
            url=consultation.get_absolute_url() + "#rate",
            action=_("Read and rate"),
        )
        for consultation in todo["to_rate"]
    ]
    items += [
        TodoItem(
            kind="rebook",
            title=consultation.topic,
            text=_("%(expert)s declined the request for %(day)s: book another time.")
            % {"expert": consultation.expert, "day": formats.date_format(timezone.localtime(consultation.starts_at))},
            url=consultation.get_absolute_url(),
            action=_("Book another time"),
        )
        for consultation in todo["to_rebook"]
    ]
    items += [
        TodoItem(
            kind="proposal",
            title=consultation.topic,
            text=_("%(expert)s proposes %(proposed)s instead of %(day)s: accept or decline.")
            % {
                "expert": consultation.expert,
                # The day alone may be the same for both: each with its time.
                "day": day_and_time(consultation.starts_at),
                "proposed": day_and_time(consultation.proposal_starts_at),
            },
            url=consultation.get_absolute_url() + "#proposal",
            action=_("Answer the proposal"),
            due=consultation.proposal_starts_at,
        )
        for consultation in todo["to_answer"]
    ]
    items += [
        TodoItem(
            kind="extra-hours",
            title=consultation.topic,
            text=_("%(expert)s logged %(logged)s h for a %(booked)s h session: accept or dispute the difference.")
            % {
                "expert": consultation.expert,
                "logged": hours_number(consultation.logged_hours),
                "booked": hours_number(consultation.hours),
            },
            url=consultation.get_absolute_url() + "#extra-hours",
            action=_("Accept or dispute"),
            due=consultation.extra_due_at,
            urgent=consultation.extra_due_at - timezone.now() < datetime.timedelta(days=2),
        )
        for consultation in todo["extra_to_answer"]
    ]
    return items


register_todo_source(TodoSource(slot=DASHBOARD_TODO_SLOT, items=_dashboard_todos, position=10))
