"""The one LRU every per-process cache uses."""

from __future__ import annotations

from api.lru import LRU


def test_least_recently_used_goes_first():
    cache = LRU(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # now "b" is the least recently used
    cache.put("c", 3)
    assert cache.ordered_keys() == ["a", "c"] and cache.get("b") is None


def test_bounded_by_weight_and_a_stored_none_is_found():
    pages = LRU(250, weigh=len)
    for n in range(5):
        pages.put(n, "x" * 100)
    assert pages.ordered_keys() == [3, 4] and pages.weight == 200
    pages.put(4, "x" * 10)  # replacing an item re-weighs it
    assert pages.weight == 110
    pages.put("huge", "x" * 1000)  # the newest stays even alone over capacity
    assert pages.ordered_keys() == ["huge"] and pages.weight == 1000
    plans, missing = LRU(4), object()
    plans.put("none", None)
    assert plans.get("none", missing) is None and plans.get("other", missing) is missing


def test_drop_pop_and_clear():
    cache = LRU(10)
    for key in [("t1", 1), ("t1", 2), ("t2", 1)]:
        cache.put(key, key)
    cache.drop(lambda key: key[0] == "t1" and key[1] < 2)
    assert cache.ordered_keys() == [("t1", 2), ("t2", 1)]
    cache.pop(("t2", 1))
    cache.pop("absent")
    assert len(cache) == 1 and cache.weight == 1
    cache.clear()
    assert len(cache) == 0 and cache.weight == 0
