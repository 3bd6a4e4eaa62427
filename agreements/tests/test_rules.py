"""Exact rules of the agreements app's models, selectors and permissions: boundaries, who may and who may not, and
when (the tests that mutation testing called for)."""

import pytest

pytestmark = pytest.mark.django_db
