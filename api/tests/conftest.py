import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_cache():
    """Throttle counts and open-data payloads live in the cache: each test starts without them."""
    cache.clear()
    yield
    cache.clear()
