"""Push: a signed Seam webhook delivery until Home Assistant shows the new state."""

from __future__ import annotations

import time

from homeassistant.components.lock import LockState
from homeassistant.core import HomeAssistant
from tests.simulator import SeamSimulator

from .conftest import Results, running
from .harness import StateWatch

ENTITY = "lock.front_door"
DELIVERIES = {"short": 40, "full": 300}


async def test_push_delivery_to_state(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    reachable: None,
    bench_mode: str,
    results: Results,
) -> None:
    """Alternate lock.locked and lock.unlocked events, as a keypad or thumb-turn sends them."""
    device = simulator.add_lock("Front Door", locked=False)
    async with running(hass, simulator) as entry:
        watch = StateWatch(hass, ENTITY)
        simulator.reset_requests()
        seconds: list[float] = []
        try:
            for number in range(DELIVERIES[bench_mode]):
                device.locked = number % 2 == 0
                watch.expect(LockState.LOCKED if device.locked else LockState.UNLOCKED)
                started = time.perf_counter()
                simulator.emit(
                    "lock.locked" if device.locked else "lock.unlocked",
                    device_id=device.device_id,
                    method="manual",
                )
                seconds.append(await watch.wait(limit=5) - started)
                await simulator.webhooks.settle()
        finally:
            watch.close()
        results["push"] = {
            "seconds": seconds,
            "seam_requests": simulator.request_count(),
            "accepted": entry.runtime_data.push.deliveries,
            "refused": entry.runtime_data.push.rejected,
        }
