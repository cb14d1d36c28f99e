import pytest


@pytest.fixture(autouse=True)
def _fresh_throttles():
    # Throttles count in the cache, which outlives a test's database rollback.
    from django.core.cache import cache

    cache.clear()
