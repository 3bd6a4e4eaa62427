"""Due work found by periodic sweeps over the database, in batches.

A sweep names a message kind, a queryset of the objects that are due at ``now``,
the occasion key for each (which makes the message unique: re-running a sweep
creates nothing new) and who receives it. ``sweep_run`` walks the candidates by
primary key in batches of ``batch_size``: per batch one query for the candidates,
the queryset's own ``prefetch_related`` queries, and one INSERT … ON CONFLICT DO
NOTHING for the messages, whatever the number of rows. Sending then happens in
``messages_send``.

Why sweeps and not ETAs: a far-future ETA lives in Redis, which may deliver it
twice or lose it on restart; a row in the database with a unique occasion does not.

The sweeps in use follow these patterns (see ``consultations/message_kinds.py`` and
``events/message_kinds.py`` for the real ones)::

    # 24 h before a confirmed session, to both sides; a reschedule gives a new occasion.
    register_sweep(Sweep(
        name="consultation_reminder", kind="consultation_reminder",
        candidates=lambda now: Consultation.objects.confirmed()
            .filter(starts_at__gt=now, starts_at__lte=now + timedelta(hours=24))
            .select_related("expert__user").prefetch_related("cluster__managers"),
        occasion=lambda obj, now: f"reminder-{obj.starts_at:%Y%m%dT%H%M}",
        recipients=lambda obj, occasion, run: [obj.expert.user, *obj.cluster.managers.all()],
    ))

    # Outcome overdue: 24 h after the end, then every 3 days, at most 3 times; staff on the 3rd.
    def nudge_number(obj, now):
        n = 1 + (now - obj.ends_at - timedelta(hours=24)) // timedelta(days=3)
        return f"outcome-overdue-{n}" if 1 <= n <= 3 else None       # None: nothing due
    register_sweep(Sweep(
        name="outcome_overdue", kind="outcome_overdue",
        candidates=lambda now: Consultation.objects.awaiting_outcome().filter(ends_at__lte=now - timedelta(hours=24)),
        occasion=nudge_number,
        recipients=lambda obj, occasion, run: [obj.expert.user, *(run.staff if occasion.endswith("-3") else [])],
    ))

An event deadline reminder is the same with ``Event`` candidates whose registration
deadline is 7 days away and recipients computed per batch from the prefetch.
"""

import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property, partial
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.selectors import active_staff

from .services import dispatch_task, messages_create

logger = logging.getLogger(__name__)


class SweepRun:
    """What one run of a sweep shares between its batches (loaded once, on first use)."""

    def __init__(self, now: datetime.datetime):
        self.now = now

    @cached_property
    def staff(self) -> list:
        """Active programme staff with an email address."""
        return list(active_staff().exclude(email=""))


@dataclass(frozen=True)
class Sweep:
    name: str
    kind: str
    candidates: Callable[[datetime.datetime], QuerySet]
    occasion: Callable[[Any, datetime.datetime], str | None]
    recipients: Callable[[Any, str, SweepRun], Iterable]
    context: Callable[[Any, datetime.datetime], dict] = lambda obj, now: {}
    batch_size: int = 500


_sweeps: dict[str, Sweep] = {}


def register_sweep(sweep: Sweep) -> Sweep:
    existing = _sweeps.get(sweep.name)
    if existing is not None and existing != sweep:
        raise ValueError(f"Sweep {sweep.name!r} is already registered.")
    _sweeps[sweep.name] = sweep
    return sweep


def get_sweep(name: str) -> Sweep:
    return _sweeps[name]


def all_sweeps() -> list[Sweep]:
    return [_sweeps[name] for name in sorted(_sweeps)]


def sweep_run(sweep: Sweep, *, now: datetime.datetime | None = None, dispatch: bool = True) -> int:
    """Create the messages that are due for ``sweep`` at ``now``; returns the number of rows offered."""
    from .tasks import send_due_messages

    now = now or timezone.now()
    run = SweepRun(now)
    offered = 0
    last_pk = None
    while True:
        candidates = sweep.candidates(now).order_by("pk")
        if last_pk is not None:
            candidates = candidates.filter(pk__gt=last_pk)
        batch = list(candidates[: sweep.batch_size])
        if not batch:
            break
        rows = []
        for obj in batch:
            occasion = sweep.occasion(obj, now)
            if occasion:
                rows.append((obj, sweep.recipients(obj, occasion, run), occasion, sweep.context(obj, now)))
        with transaction.atomic():
            offered += messages_create(kind=sweep.kind, rows=rows)
        last_pk = batch[-1].pk
        if len(batch) < sweep.batch_size:
            break
    logger.info("Sweep %s: %s message rows offered.", sweep.name, offered)
    if offered and dispatch:
        transaction.on_commit(partial(dispatch_task, send_due_messages))
    return offered


def sweeps_run(*, names: Iterable[str] | None = None, now=None, dispatch: bool = True) -> dict[str, int]:
    """Run the named sweeps (default all); one failing sweep does not stop the others."""
    selected = all_sweeps() if names is None else [get_sweep(name) for name in names]
    results = {}
    for sweep in selected:
        try:
            results[sweep.name] = sweep_run(sweep, now=now, dispatch=dispatch)
        except Exception:
            logger.exception("Sweep %s failed.", sweep.name)
            results[sweep.name] = -1
    return results
