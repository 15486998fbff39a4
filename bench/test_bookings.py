"""Booking codes: Seam requests per reconcile, 50 bookings on 3 locks.

A local calendar (Home Assistant's own) holds 50 stays in the next two weeks, a booking
calendar gives them codes on 3 simulator locks, and each step below is one reconcile: the
requests it sent, by route, and how long it took. The steady step is the one that repeats every
10 minutes for as long as nothing changes.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from pathlib import Path
import statistics
import time

import pytest

from custom_components.seam import booking_codes
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from tests.booking_helpers import (
    add_booking,
    add_booking_calendar,
    add_local_calendar,
    booking_calendar,
    calendar_entity,
)
from tests.simulator import SeamSimulator

from .conftest import Results, running

BOOKINGS = 50
LOCKS = 3
STEADY_RUNS = {"short": 5, "full": 20}


async def test_requests_per_reconcile(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    tmp_path: Path,
    bench_mode: str,
    results: Results,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each step of a calendar's life, one reconcile each: what it asks of Seam."""
    # The three reads without a cancelled booking come back to back here; in Home Assistant
    # they are at least 5 minutes apart (misses closer together count once).
    monkeypatch.setattr(booking_codes, "MISS_SPACING", timedelta(0))
    locks = [device.device_id for device in simulator.add_locks(LOCKS)]
    await add_local_calendar(hass, tmp_path)
    now = dt_util.now().replace(microsecond=0)
    uids = []
    for n in range(BOOKINGS):
        # Stays of 2 days, one every 6 hours: up to 8 overlap, all within the 14 days ahead.
        start = now + timedelta(hours=2 + 6 * n)
        uids.append(await add_booking(hass, f"Guest {n:02d}", start, start + timedelta(days=2)))
    steps: list[dict[str, object]] = []
    async with running(hass, simulator) as entry:
        sub = await add_booking_calendar(hass, entry, locks)
        calendar = booking_calendar(entry, sub)

        async def step(name: str) -> None:
            await hass.async_block_till_done(wait_background_tasks=True)
            simulator.reset_requests()
            started = time.perf_counter()
            await calendar.async_reconcile()
            wall = time.perf_counter() - started
            routes = Counter(request.path for request in simulator.requests)
            writes = sum(n for path, n in routes.items() if path != "/access_codes/list")
            steps.append({"step": name, "routes": dict(routes), "writes": writes, "wall": wall})

        # The codes were made when the calendar was added; start again from none to time it.
        for code in list(simulator.access_codes.by_id.values()):
            simulator.access_codes.by_id.pop(code.access_code_id)
        calendar.records.clear()
        await step("first reconcile: 50 new bookings")
        made = len(simulator.access_codes.by_id)
        await step("nothing changed")
        steady = []
        for _ in range(STEADY_RUNS[bench_mode]):
            started = time.perf_counter()
            simulator.reset_requests()
            await calendar.async_reconcile()
            steady.append(time.perf_counter() - started)
            assert all(r.path == "/access_codes/list" for r in simulator.requests)
        entity = calendar_entity(hass)
        moved = now + timedelta(days=3, hours=1)
        await entity.async_update_event(
            uids[10], {"summary": "Guest 10", "dtstart": moved, "dtend": moved + timedelta(days=2)}
        )
        await step("one booking's dates changed")
        await entity.async_delete_event(uids[20])
        for read in range(1, 4):
            await step(f"one booking cancelled, read {read} without it")
        start = now + timedelta(days=13)
        await add_booking(hass, "Guest new", start, start + timedelta(days=1))
        await step("one new booking")
    results["bookings"] = {
        "bookings": BOOKINGS,
        "locks": LOCKS,
        "codes_made": made,
        "steps": steps,
        "steady_runs": len(steady),
        "steady_median": statistics.median(steady),
        "steady_max": max(steady),
    }
    assert made == BOOKINGS * LOCKS
    assert steps[1]["writes"] == 0
