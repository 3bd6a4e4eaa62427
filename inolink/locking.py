"""Row locks on the owners of scarce things (an expert's time, a cluster's hours, an event's places), taken
one way everywhere.

A write locks every row it needs in one call to ``lock``, inside its transaction, before it re-checks the
rules. ``lock`` takes the rows in a fixed order (by model, then primary key), whatever order the caller
names them in, so two writes that need the same rows never wait on each other crosswise. On PostgreSQL it
first sets the transaction's ``lock_timeout`` (``settings.LOCK_TIMEOUT_SECONDS``): a write that waits
longer gives up with ``LockTimeout``, one "busy, try again" message, instead of a stuck request. SQLite
has no row locks (its IMMEDIATE transactions serialise writers), so there the call just reads the rows.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, models, transaction
from django.utils.translation import gettext_lazy as _

LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE for a lock_timeout that ran out

BUSY = _("Someone else is changing this right now. Please try again in a moment.")


class LockTimeout(ValidationError):
    """The rows stayed locked by another write for longer than the lock timeout.

    A ``ValidationError``, so every page and admin screen that shows a service's refusal shows this one too.
    """

    def __init__(self):
        super().__init__(BUSY, code="busy")


def _set_lock_timeout() -> None:
    milliseconds = max(round(settings.LOCK_TIMEOUT_SECONDS * 1000), 1)
    with connection.cursor() as cursor:
        # set_config(…, true) is SET LOCAL with the value passed as a parameter: it ends with the transaction.
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{milliseconds}ms"])


def _order(row: models.Model) -> tuple[str, object]:
    return (row._meta.label_lower, row.pk)


def lock(*rows: models.Model | None) -> list[models.Model | None]:
    """Lock these rows for the rest of the transaction and return them as now committed, in the order given.

    ``None`` stands for a row the caller does not have (it comes back as ``None``); a row that no longer
    exists raises the model's ``DoesNotExist``. Raises ``LockTimeout`` when a row stays locked too long.
    """
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError("lock() is called inside transaction.atomic().")
    if connection.vendor == "postgresql":
        _set_lock_timeout()
    locked = {}
    for row in sorted({_order(row): row for row in rows if row is not None}.values(), key=_order):
        try:
            locked[_order(row)] = type(row)._default_manager.select_for_update().get(pk=row.pk)
        except OperationalError as error:
            if getattr(error.__cause__, "pgcode", None) == LOCK_NOT_AVAILABLE:
                raise LockTimeout from error
            raise
    return [None if row is None else locked[_order(row)] for row in rows]
