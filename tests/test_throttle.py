"""Shared rate limits and concurrency caps (host.throttle) on Huey's storages."""
import multiprocessing
import os
import threading
import time
import uuid

import pytest
from huey.storage import MemoryStorage, SqliteStorage

from host.api import Throttled
from host.testing.pytest_plugin import skip_or_fail
from host.throttle import Throttle, slice_plan

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


class FakeClock:
    def __init__(self, now=1000.0):
        self.now = now
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(round(seconds, 3))
        self.now += seconds


@pytest.mark.parametrize("limit, per", [(500, 60), (120, 60), (10, 1), (3, 60), (6000, 60)])
def test_no_rolling_window_can_exceed_the_limit(limit, per):
    seconds, allowed = slice_plan(limit, per)
    slices_touched = per / seconds + 1  # a window of `per` seconds overlaps this many slices at most
    assert allowed * slices_touched <= limit
    assert allowed >= 1


def test_quickbooks_limit_keeps_over_ninety_percent_throughput():
    seconds, allowed = slice_plan(500, 60)
    assert allowed * 60 / seconds >= 0.9 * 500


def test_a_full_slice_waits_for_the_next_one_and_gives_up_past_max_sleep():
    clock = FakeClock(1000.0)
    throttle = Throttle(MemoryStorage("t"), clock=clock, sleep=clock.sleep)
    seconds, allowed = slice_plan(120, 60)
    for _ in range(allowed):
        with throttle("acct", 120, 60):
            pass
    assert clock.sleeps == []
    if seconds > 2:  # the next slice is too far: raise with the wait instead of sleeping
        with pytest.raises(Throttled) as caught:
            with throttle("acct", 120, 60):
                pass
        assert 0 < caught.value.retry_after <= seconds + 0.01
    clock = FakeClock(2000.0)
    realm = Throttle(MemoryStorage("t2"), clock=clock, sleep=clock.sleep)
    for _ in range(8):
        with realm("realm", 500, 60):
            pass
    with realm("realm", 500, 60):  # 1-second slices of 8: the ninth waits for the next second
        pass
    assert clock.sleeps == [1.001]


@pytest.mark.parametrize("storage", ["memory", "sqlite"])
def test_concurrency_is_capped_and_slots_come_back(storage, tmp_path):
    store = MemoryStorage("c") if storage == "memory" else SqliteStorage("c", filename=str(tmp_path / "q.sqlite"))
    throttle = Throttle(store)
    in_flight, peak, guard = [0], [0], threading.Lock()

    def work():
        with throttle("realm", 10_000, 60, concurrent=2):
            with guard:
                in_flight[0] += 1
                peak[0] = max(peak[0], in_flight[0])
            time.sleep(0.05)
            with guard:
                in_flight[0] -= 1

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert peak[0] == 2


def test_a_slot_held_by_a_dead_worker_is_reclaimed_after_its_ttl():
    from host import throttle as module

    clock = FakeClock()
    storage = MemoryStorage("d")
    storage.put_if_empty("erp-host.slot.realm.0", repr(clock.now).encode())  # a holder that died
    throttle = Throttle(storage, clock=clock, sleep=clock.sleep)
    with pytest.raises(Throttled):
        with throttle("realm", 1000, 60, concurrent=1):
            pass
    clock.now += module.SLOT_TTL + 1
    with throttle("realm", 1000, 60, concurrent=1):
        pass


def _hammer(storage_factory, name, count, results):
    throttle = Throttle(storage_factory(), max_wait=30)
    stamps = []
    for _ in range(count):
        with throttle(name, 20, 2):
            stamps.append(time.time())
    results.put(stamps)


def _sqlite_storage(path):
    return lambda: SqliteStorage("limits", filename=path)


def _redis_storage():
    from huey.storage import RedisStorage

    return lambda: RedisStorage("limits", url=REDIS_URL)


def _shared_limit_holds_across_processes(storage_factory):
    name = uuid.uuid4().hex
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    workers = [context.Process(target=_hammer, args=(storage_factory, name, 15, results)) for _ in range(3)]
    for worker in workers:
        worker.start()
    stamps = sorted(s for _ in workers for s in results.get(timeout=60))
    for worker in workers:
        worker.join()
    assert len(stamps) == 45
    # 20 per 2 s: no 2-second window of the 45 requests holds more than 20
    worst = max(sum(1 for t in stamps if start <= t < start + 2) for start in stamps)
    assert worst <= 20


def test_the_limit_is_shared_by_worker_processes_on_sqlite_storage(tmp_path):
    _shared_limit_holds_across_processes(_sqlite_storage(str(tmp_path / "queue.sqlite")))


def test_the_limit_is_shared_by_worker_processes_on_redis_storage():
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as error:  # noqa: BLE001 - any failure means no server to test against
        skip_or_fail(f"Redis not reachable at {REDIS_URL}: {error}")
    _shared_limit_holds_across_processes(_redis_storage())
