"""Tests that need the frontend packages npm installs into node_modules/ (``npm ci``; ``make install`` runs it):
the pages load Bootstrap's files from there and the browser journeys check them with axe-core. Without them such
a test is skipped with this reason, not failed."""

from pathlib import Path

import pytest
from django.conf import settings

NODE_MODULES = Path(settings.BASE_DIR) / "node_modules"
MISSING = [path.name for path in (NODE_MODULES / "bootstrap" / "dist", NODE_MODULES / "axe-core") if not path.is_dir()]
REASON = "node_modules/ lacks Bootstrap or axe-core: run `npm ci` (`make install` does) first"

needs_frontend = pytest.mark.skipif(bool(MISSING), reason=REASON)
