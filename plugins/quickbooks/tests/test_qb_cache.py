"""The look-up cache."""
from erp_host_quickbooks.lookups import TTLCache, _MISSING


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_cache_expires_and_forgets_per_company():
    clock = FakeClock()
    cache = TTLCache(ttl=60, clock=clock)
    cache.put(("realm1", "customer", "Amy"), {"Id": "1"})
    cache.put(("realm2", "customer", "Amy"), {"Id": "9"})
    assert cache.get(("realm1", "customer", "Amy")) == {"Id": "1"}
    cache.forget("realm1")
    assert cache.get(("realm1", "customer", "Amy")) is _MISSING
    assert cache.get(("realm2", "customer", "Amy")) == {"Id": "9"}
    clock.now += 61
    assert cache.get(("realm2", "customer", "Amy")) is _MISSING
