"""Scale: workspaces of many locks, from Seam's requests to Home Assistant's memory.

The simulator answers from its own thread here, so `time.thread_time()` in Home Assistant's
thread counts the integration and Home Assistant, not the simulator's rendering of JSON.
"""

from __future__ import annotations

from collections import Counter
import gc
import math
import statistics
import time
import tracemalloc
from typing import Any

import pytest

from homeassistant.components.lock import LockState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import (
    device_registry as dr,
    entity_platform,
    entity_registry as er,
)
from tests.simulator import SeamSimulator

from .conftest import Results, entry_for
from .harness import SimulatorThread, rss_bytes, where

PAGE = 500  # Seam's default /devices/list page
# What the integration makes for a simulator lock: the lock, its activity event, door and
# connectivity binary sensors, battery level and battery status sensors.
EXPECTED_PER_LOCK = {"lock": 1, "event": 1, "binary_sensor": 2, "sensor": 2}
# (locks, Home Assistant's entity cap kept?) per mode. With the cap lifted the rows show what
# the integration itself costs once every lock has all its entities.
SIZES = {
    "short": [(10, True), (500, True)],
    "full": [(10, True), (500, True), (5000, True), (5000, False), (20000, True), (20000, False)],
}
MEMORY_SIZES = {"short": [500], "full": [500, 5000]}
REFRESHES = {"short": 3, "full": 5}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Sizes follow `--bench-mode`."""
    mode = metafunc.config.getoption("--bench-mode")
    if "size" in metafunc.fixturenames:
        metafunc.parametrize(
            "size",
            SIZES[mode],
            ids=[f"{locks}-{'capped' if cap else 'uncapped'}" for locks, cap in SIZES[mode]],
        )
    if "memory_locks" in metafunc.fixturenames:
        metafunc.parametrize("memory_locks", MEMORY_SIZES[mode])


def _workspace(locks: int) -> SeamSimulator:
    """`locks` locks, every other one locked, so states prove they came from Seam."""
    simulator = SeamSimulator()
    for number, device in enumerate(simulator.add_locks(locks)):
        device.locked = number % 2 == 1
    return simulator


def _drop_saved_registries(hass_storage: dict[str, Any]) -> None:
    """Forget what the test harness saved: it keeps the registries in memory as JSON.

    Home Assistant writes them to disk instead; left here they would count as memory per lock
    whenever a delayed save happened to fall inside the measurement.
    """
    hass_storage.clear()


def _check_entities(hass: HomeAssistant, entry_id: str, simulator: SeamSimulator) -> dict[str, Any]:
    """Count the entities and devices made, and compare every lock's state with Seam's.

    Past Home Assistant's cap of enabled entities per entry, the integration registers the
    lock entities first (enabled up to the cap) and the rest disabled: all must exist, every
    enabled lock must show Seam's state, and as many locks as the cap allows must be enabled.
    """
    entities = er.async_entries_for_config_entry(er.async_get(hass), entry_id)
    by_platform = Counter(entity.domain for entity in entities)
    locks = len(simulator.devices)
    expected = {domain: count * locks for domain, count in EXPECTED_PER_LOCK.items()}
    wrong_states = enabled_locks = 0
    for entity in entities:
        if entity.domain == "lock" and not entity.disabled:
            enabled_locks += 1
            want = LockState.LOCKED if simulator.devices[entity.unique_id].locked else "unlocked"
            state = hass.states.get(entity.entity_id)
            wrong_states += state is None or state.state != want
    cap = entity_platform.MAX_ENABLED_ENTITIES_PER_CONFIG_ENTRY
    return {
        "entities": dict(sorted(by_platform.items())),
        "expected": expected,
        "enabled": sum(not entity.disabled for entity in entities),
        "enabled_locks": enabled_locks,
        "devices": len(dr.async_entries_for_config_entry(dr.async_get(hass), entry_id)),
        "locks_without_lock_entity": locks - by_platform.get("lock", 0),
        "wrong_lock_states": wrong_states,
        "correct": dict(by_platform) == expected
        and wrong_states == 0
        and enabled_locks == min(locks, cap),
    }


async def test_scale(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    socket_enabled: None,
    size: tuple[int, bool],
    bench_mode: str,
    results: Results,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Set up N locks, then refresh: requests, wall and CPU time, memory, entities."""
    started = time.perf_counter()
    locks, capped = size
    if not capped:
        monkeypatch.setattr(entity_platform, "MAX_ENABLED_ENTITIES_PER_CONFIG_ENTRY", 10**9)
    simulator = _workspace(locks)
    async with SimulatorThread(simulator):
        entry = entry_for(simulator)
        entry.add_to_hass(hass)
        gc.collect()
        rss_before = rss_bytes()
        wall, cpu = time.perf_counter(), time.thread_time()
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        setup_wall, setup_cpu = time.perf_counter() - wall, time.thread_time() - cpu
        _drop_saved_registries(hass_storage)
        gc.collect()
        rss_after = rss_bytes()
        coordinator = entry.runtime_data.coordinator
        await coordinator.async_refresh()  # warm-up
        walls, cpus, requests = [], [], []
        for _ in range(REFRESHES[bench_mode]):
            simulator.reset_requests()
            wall, cpu = time.perf_counter(), time.thread_time()
            await coordinator.async_refresh()
            walls.append(time.perf_counter() - wall)
            cpus.append(time.thread_time() - cpu)
            requests.append(simulator.request_count("/devices/list"))
        assert coordinator.last_update_success
        checked = _check_entities(hass, entry.entry_id, simulator)
        unload = time.perf_counter()
        await hass.config_entries.async_unload(entry.entry_id)
        unload = time.perf_counter() - unload
    results.setdefault("scale", []).append(
        {
            "locks": locks,
            "entity_cap": capped,
            "requests_per_refresh": statistics.median(requests),
            "expected_requests": math.ceil(locks / PAGE),
            "refresh_wall": statistics.median(walls),
            "refresh_cpu": statistics.median(cpus),
            "setup_wall": setup_wall,
            "setup_cpu": setup_cpu,
            "unload_wall": unload,
            "rss_per_lock": (rss_after - rss_before) / locks,
            "case_wall": time.perf_counter() - started,
            **checked,
        }
    )


async def test_memory(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    socket_enabled: None,
    memory_locks: int,
    results: Results,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Python memory Home Assistant keeps per lock after setup, and where it goes.

    A pass of its own: tracing allocations slows setup several times over.
    """
    monkeypatch.setattr(entity_platform, "MAX_ENABLED_ENTITIES_PER_CONFIG_ENTRY", 10**9)
    simulator = _workspace(memory_locks)
    async with SimulatorThread(simulator):
        entry = entry_for(simulator)
        entry.add_to_hass(hass)
        gc.collect()
        tracemalloc.start()
        try:
            assert await hass.config_entries.async_setup(entry.entry_id)
            await hass.async_block_till_done()
            await entry.runtime_data.coordinator.async_refresh()
            _drop_saved_registries(hass_storage)
            gc.collect()
            retained, _ = tracemalloc.get_traced_memory()
            snapshot = tracemalloc.take_snapshot()
        finally:
            tracemalloc.stop()
        entities = len(er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id))
        await hass.config_entries.async_unload(entry.entry_id)
    lines = snapshot.statistics("lineno")
    ours = [stat for stat in lines if "custom_components" in stat.traceback[0].filename]

    def table(stats: list[tracemalloc.Statistic]) -> list[dict[str, Any]]:
        return [
            {"where": where(stat.traceback[0]), "bytes_per_lock": stat.size / memory_locks}
            for stat in stats
        ]

    results.setdefault("memory", []).append(
        {
            "locks": memory_locks,
            "entities": entities,
            "bytes_per_lock": retained / memory_locks,
            "top": table(lines[:12]),
            "integration_bytes_per_lock": sum(stat.size for stat in ours) / memory_locks,
            "top_integration": table(ours[:5]),
        }
    )
