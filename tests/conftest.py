"""Shared test fixtures."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest.mock import PropertyMock, patch

from aiohttp import ClientResponse
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion

# Imported first so Home Assistant resolves `custom_components` to this repository.
import custom_components.seam  # noqa: F401
from custom_components.seam import (
    booking_codes as booking_codes_module,
    config_flow as config_flow_module,
)
from custom_components.seam.api import (
    Pace,
    actuation as actuation_module,
    client as client_module,
    transport as transport_module,
)
from custom_components.seam.const import CONF_API_URL, DOMAIN
from homeassistant.const import CONF_API_KEY
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from tests.booking_helpers import BACK, FRONT, add_local_calendar
from tests.fake_seam import fake_seam, fake_seam_process  # noqa: F401
from tests.simulator import SeamSimulator, SimDevice


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Snapshots in Home Assistant's format (ids and timestamps left out).

    The plugin defines the same fixture, but syrupy's own plugin registers after it and wins.
    """
    return snapshot.use_extension(HomeAssistantSnapshotExtension)


@pytest.fixture
def entity_registry_enabled_by_default() -> Iterator[None]:
    """Create every entity enabled, as Home Assistant core's own fixture of this name does."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        return_value=True,
        new_callable=PropertyMock,
    ):
        yield


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load the integration from custom_components/."""


# How much faster than in production the integration's own waits run in tests (`fast_waits`).
TIME_SCALE = 20.0


@pytest.fixture(autouse=True)
def fast_waits(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run the integration's real-time waits TIME_SCALE times faster, in the same shape.

    The poll schedule of action attempts (as for a lock with nothing learned), the safety-net
    polls of pushed ones, and the pauses between retries of a failed read are what a test would
    otherwise sleep through: every command waits at least the first poll. A test that measures
    those waits themselves is marked `real_waits`. A test may still set any of them itself (its
    monkeypatch wins).
    """
    if request.node.get_closest_marker("real_waits"):
        return
    schedule, growing = actuation_module.poll_delay, actuation_module.growing_delay

    def scaled_schedule(pace: Pace | None, elapsed: float) -> float:
        # Nothing learned: the first polls, 0.2 s apart, would be slept through by every test.
        # A learned pace is in the simulator's real seconds already: its schedule as it is.
        if pace is None:
            return schedule(None, elapsed * TIME_SCALE) / TIME_SCALE
        return schedule(pace, elapsed)

    monkeypatch.setattr(actuation_module, "poll_delay", scaled_schedule)
    monkeypatch.setattr(
        actuation_module,
        "growing_delay",
        lambda elapsed: growing(elapsed * TIME_SCALE) / TIME_SCALE,
    )
    for name in ("PUSHED_FIRST_POLL", "PUSHED_POLL_INTERVAL"):
        monkeypatch.setattr(client_module, name, getattr(client_module, name) / TIME_SCALE)
    for module, name in (
        (transport_module, "DEFAULT_RETRY_DELAYS"),
        (config_flow_module, "CHECK_RETRY_DELAYS"),
    ):
        delays = getattr(module, name)
        monkeypatch.setattr(module, name, tuple(delay / TIME_SCALE for delay in delays))
    # A booking's misses count at most once per 5 minutes of Home Assistant's clock; a test's
    # reads come back to back.
    monkeypatch.setattr(booking_codes_module, "MISS_SPACING", timedelta(0))


@pytest.fixture
async def simulator(socket_enabled: None) -> AsyncIterator[SeamSimulator]:
    """A fresh Seam simulator on 127.0.0.1, stopped when the test ends."""
    async with SeamSimulator() as sim:
        yield sim


@pytest.fixture
def config_entry(simulator: SeamSimulator) -> MockConfigEntry:
    """A config entry for the simulator's workspace (not yet added to Home Assistant)."""
    return MockConfigEntry(
        domain=DOMAIN,
        entry_id="01JSEAMTESTENTRY0000000000",
        title=simulator.workspace_name,
        unique_id=simulator.workspace_id,
        data={CONF_API_KEY: simulator.api_key, CONF_API_URL: simulator.url},
    )


async def setup_integration(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Add the entry to Home Assistant and set it up, as the user's config would."""
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def advance(hass: HomeAssistant, seconds: float) -> None:
    """Let `seconds` of Home Assistant time pass (timers such as the poll interval fire)."""
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=seconds))
    # Scheduled refreshes run as background tasks, which block_till_done skips by default.
    await hass.async_block_till_done(wait_background_tasks=True)


type Post = Callable[..., Coroutine[Any, Any, ClientResponse]]


@pytest.fixture
async def reachable(hass: HomeAssistant, hass_client_no_auth: ClientSessionGenerator) -> Post:
    """Home Assistant's HTTP server on 127.0.0.1, set as its external URL; returns a poster."""
    assert await async_setup_component(hass, "webhook", {})
    http = await hass_client_no_auth()
    await hass.config.async_update(external_url=str(http.make_url("")).rstrip("/"))
    return http.post


@pytest.fixture
async def pushed(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    config_entry: MockConfigEntry,
    front_door: SimDevice,
    reachable: Post,
) -> MockConfigEntry:
    """The integration set up with Seam's webhook registered (`front_door`: the test file's)."""
    await setup_integration(hass, config_entry)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert config_entry.runtime_data.push.url is not None
    return config_entry


def record_states(hass: HomeAssistant, entity_id: str) -> list[str]:
    """Every state the entity takes from now on, in order."""
    seen: list[str] = []

    @callback  # Runs in the event loop as the state is written, not later in a thread.
    def on_change(event: Event[EventStateChangedData]) -> None:
        if (state := event.data["new_state"]) is not None:
            seen.append(state.state)

    async_track_state_change_event(hass, [entity_id], on_change)
    return seen


async def wait_for_state(hass: HomeAssistant, entity_id: str, expected: str) -> None:
    """Real time passes until the entity shows `expected` (at most 5 s)."""
    reached = asyncio.Event()

    @callback
    def on_change(event: Event[EventStateChangedData]) -> None:
        if (state := event.data["new_state"]) is not None and state.state == expected:
            reached.set()

    unsubscribe = async_track_state_change_event(hass, [entity_id], on_change)
    try:
        if (state := hass.states.get(entity_id)) is None or state.state != expected:
            async with asyncio.timeout(5):
                await reached.wait()
    finally:
        unsubscribe()


@pytest.fixture
async def rental(
    hass: HomeAssistant, simulator: SeamSimulator, config_entry: MockConfigEntry, tmp_path: Path
) -> MockConfigEntry:
    """Booking codes' start: Front Door and Back Door, the integration set up, and an empty
    local calendar "Rental" (its file in the test's folder)."""
    simulator.add_lock("Front Door", device_id=FRONT)
    simulator.add_lock("Back Door", device_id=BACK)
    await setup_integration(hass, config_entry)
    await add_local_calendar(hass, tmp_path)
    return config_entry
