"""The per-company request limiter and the look-up cache."""
import threading
import time

from erp_host_quickbooks.endpoints import Limits
from erp_host_quickbooks.limiter import RealmLimiter, for_realm
from erp_host_quickbooks.lookups import TTLCache, _MISSING


class FakeClock:
    def __init__(self):
        self.now = 100.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(round(seconds, 3))
        self.now += seconds


def test_rate_window_makes_the_next_request_wait():
    clock = FakeClock()
    limiter = RealmLimiter(Limits(requests=2, period=60.0, concurrent=5), clock=clock, sleep=clock.sleep)
    for _ in range(2):
        with limiter.slot():
            clock.now += 1
    with limiter.slot():  # the third request within a minute waits until the first one is 60 s old
        pass
    assert clock.sleeps == [58.0]


def test_concurrent_requests_are_capped():
    limiter = RealmLimiter(Limits(requests=1000, period=1.0, concurrent=2))
    in_flight, peak, guard = [0], [0], threading.Lock()

    def work():
        with limiter.slot():
            with guard:
                in_flight[0] += 1
                peak[0] = max(peak[0], in_flight[0])
            time.sleep(0.05)
            with guard:
                in_flight[0] -= 1

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak[0] == 2


def test_one_limiter_per_company():
    limits = Limits(10, 1.0, 2)
    assert for_realm("http://a", "1", limits) is for_realm("http://a", "1", limits)
    assert for_realm("http://a", "1", limits) is not for_realm("http://a", "2", limits)


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
