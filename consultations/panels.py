"""What the consultations app shows on lower apps' pages (see ``inolink.panels``)."""

from django.utils import formats, timezone
from django.utils.translation import gettext as _

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
    return items


# Expert's proposals of another time to answer (the consultation proposals work) register one more source here.
register_todo_source(TodoSource(slot=DASHBOARD_TODO_SLOT, items=_dashboard_todos, position=10))
