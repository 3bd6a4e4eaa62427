"""pytest plugin for `make mutants`: each test session starts from a copy of one migrated SQLite file.

mutmut forks a fresh pytest session per mutant; migrating an in-memory database costs each one ~3.5 s, more than
the tests it runs. `make mutants` migrates $MUTANTS_DB_TEMPLATE once; every session copies it to a file of its own
(so parallel workers never share a database), keeps it for the session (`--reuse-db`) and removes it at the end.
"""

import os
import shutil
from pathlib import Path

_own_copy: Path | None = None


def pytest_sessionstart(session):
    global _own_copy
    from django.conf import settings

    template = Path(os.environ["MUTANTS_DB_TEMPLATE"])
    _own_copy = template.with_name(f"{template.stem}-{os.getpid()}{template.suffix}")
    shutil.copyfile(template, _own_copy)
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = str(_own_copy)


def pytest_sessionfinish(session):
    if _own_copy is not None:
        _own_copy.unlink(missing_ok=True)
