"""API budget: the Seam requests of one idle hour on Home Assistant's clock, polled and pushed.

Home Assistant's clock is moved on in 10 s steps (freezegun), so the hour takes seconds; every
request is a real one to the simulator.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from homeassistant.core import HomeAssistant
from tests.simulator import SeamSimulator

from .conftest import Results, make_reachable, running

HOUR = timedelta(hours=1)
STEP = timedelta(seconds=10)
LOCKS = {"short": [10], "full": [10, 1000]}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Workspace sizes follow `--bench-mode`."""
    if "locks" in metafunc.fixturenames:
        metafunc.parametrize("locks", LOCKS[metafunc.config.getoption("--bench-mode")])


@pytest.mark.parametrize("pushed", [False, True], ids=["polling", "webhooks"])
async def test_requests_in_an_idle_hour(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    freezer: FrozenDateTimeFactory,
    hass_client_no_auth: ClientSessionGenerator,
    locks: int,
    pushed: bool,
    results: Results,
) -> None:
    """Nobody touches a lock for an hour: what the integration asks Seam on its own."""
    simulator.add_locks(locks)
    if pushed:
        await make_reachable(hass, hass_client_no_auth)
    async with running(hass, simulator) as entry:
        assert (entry.runtime_data.push.url is not None) is pushed
        simulator.reset_requests()
        for _ in range(HOUR // STEP):
            freezer.tick(STEP)
            async_fire_time_changed(hass)
            await hass.async_block_till_done(wait_background_tasks=True)
        routes = Counter(recorded.path for recorded in simulator.requests)
        assert entry.runtime_data.coordinator.last_update_success
    results.setdefault("budget", []).append(
        {"locks": locks, "webhooks": pushed, "routes": dict(routes), "total": routes.total()}
    )
