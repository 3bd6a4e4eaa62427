"""To-do items: what needs a person, gathered from every app onto one start page.

The cluster manager's start page lives in consultations, yet what needs the manager is kept by higher apps too
(events: application deadlines, outcome reports due, funding calls closing). As with ``inolink.panels``, the page
names a slot and each app registers a source for it in ``<app>/panels.py``::

    from inolink.todo import TodoItem, TodoSource, register_todo_source

    register_todo_source(
        TodoSource(
            slot="consultations.dashboard.todo",
            # The items for the cluster, read in a fixed number of queries whatever the data.
            items=lambda request, cluster: [TodoItem(kind="rate", title=..., text=..., url=..., action=...)],
        )
    )

``todos_for(slot, request, obj)`` gathers the items of every source and puts the soonest due first (items
without a date last). A new kind of to-do (an expert's proposal to answer, say) is one more source: the page
needs no change.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TodoItem:
    kind: str  # a short key for the kind of task, also a CSS class ("todo-rate")
    title: str  # what it is about: the session's topic, the event's title
    text: str  # what to do, in a sentence
    url: str
    action: str  # the button's label
    due: datetime.datetime | None = None  # when it must be done by (aware); None: no date
    urgent: bool = False  # overdue or due within days: marked so, in words as well as colour


@dataclass(frozen=True)
class TodoSource:
    slot: str
    items: Callable[[Any, Any], list[TodoItem]]
    position: int = 100


_sources: dict[str, list[TodoSource]] = defaultdict(list)


def register_todo_source(source: TodoSource) -> TodoSource:
    slot = _sources[source.slot]
    if source not in slot:
        slot.append(source)
        slot.sort(key=lambda registered: registered.position)
    return source


def todos_for(slot: str, request, obj) -> list[TodoItem]:
    """Every source's items for ``obj``, the soonest due first, those without a date after them (in the order
    of their sources)."""
    items = [item for source in _sources[slot] for item in source.items(request, obj)]
    undated = datetime.datetime.max.replace(tzinfo=datetime.UTC)
    return sorted(items, key=lambda item: item.due or undated)
