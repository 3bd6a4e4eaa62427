"""The one locking helper: a fixed order, a lock timeout on PostgreSQL, one "busy, try again" error."""

import ast
import re
import threading
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from accounts.tests.factories import UserFactory
from clusters.models import Cluster
from clusters.tests.factories import ClusterFactory
from inolink.locking import BUSY, LockTimeout, lock

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has no row locks: its writers are serialised"
)


@pytest.mark.django_db
def test_rows_are_locked_by_model_then_primary_key_and_returned_as_given():
    first, second = ClusterFactory(), ClusterFactory()
    user = UserFactory()
    Cluster.objects.filter(pk=second.pk).update(name="Renamed meanwhile")
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        got = lock(second, None, user, first, second)
    assert [row.pk if row else None for row in got] == [second.pk, None, user.pk, first.pk, second.pk]
    assert got[0].name == "Renamed meanwhile"  # read again under the lock, not the caller's copy
    selects = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
    reads = [sql for sql in selects if "set_config" not in sql]
    # accounts.user before clusters.cluster; each row once, clusters in primary key order.
    assert len(reads) == 3
    assert user._meta.db_table in reads[0]
    assert [int(re.search(r"= (\d+)", sql).group(1)) for sql in reads[1:]] == [first.pk, second.pk]
    if connection.vendor == "postgresql":
        assert all("FOR UPDATE" in sql for sql in reads)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_locking_outside_a_transaction_is_a_programming_error():
    with pytest.raises(transaction.TransactionManagementError):
        lock(ClusterFactory())


@on_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_row_held_longer_than_the_lock_timeout_answers_busy(settings):
    settings.LOCK_TIMEOUT_SECONDS = 0.2
    cluster = ClusterFactory()
    held, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                lock(cluster)
                held.set()
                release.wait(timeout=10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(timeout=10)
        with pytest.raises(LockTimeout) as busy, transaction.atomic():
            lock(cluster)
        with translation.override("en"):
            assert busy.value.messages == [str(BUSY)]
            assert busy.value.messages == ["Someone else is changing this right now. Please try again in a moment."]
    finally:
        release.set()
        holder.join()
    # The timeout was the transaction's own: the connection is back to waiting as long as it takes.
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone()[0] == "0"


SQL_CALLS = {"execute", "executemany", "raw", "RawSQL", "RunSQL"}


def _built_string(node) -> bool:
    """An f-string, a "%" interpolation, a concatenation or a string's .format(): SQL built from values instead of
    passing them as parameters (psycopg2's ``sql.SQL(…).format(sql.Identifier(…))`` quotes them, and passes)."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod | ast.Add):
        return True
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
        and isinstance(node.func.value, ast.Constant)
    )


def test_no_sql_is_built_from_strings_anywhere_in_the_project():
    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in root.rglob("*.py"):
        if {".venv", "node_modules"} & set(path.relative_to(root).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in SQL_CALLS and _built_string(node.args[0]):
                offenders.append(f"{path.relative_to(root)}:{node.lineno}")
    assert offenders == []
