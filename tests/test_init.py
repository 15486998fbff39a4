"""Setting up, refreshing and unloading a Seam workspace: real Home Assistant, the simulator.

The integration talks HTTP to `tests/simulator` on 127.0.0.1; nothing of the Seam client or
aiohttp is mocked. A refresh is triggered by moving Home Assistant's clock past the 30 s scan
interval.
"""

from __future__ import annotations

from datetime import timedelta
import logging

import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import (
    MockHAClientWebSocket,
    WebSocketGenerator,
)

from custom_components.seam import async_remove_config_entry_device
from custom_components.seam.access_codes import AccessCodeAction
from custom_components.seam.const import CONF_API_URL, DOMAIN
from custom_components.seam.coordinator import SeamCoordinator
from homeassistant.components.lock import LockState
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import CONF_API_KEY, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from tests.conftest import setup_integration
from tests.simulator import Fault, SeamSimulator

OUTAGE = Fault(status=503, body=b"")
# One request plus the client's three retries of a read (0.5 + 1 + 2 s).
READ_ATTEMPTS = 4


async def _refresh(hass: HomeAssistant, seconds: float = 31) -> None:
    """Let `seconds` pass on Home Assistant's clock and wait for what that triggered."""
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=seconds))
    # The coordinator refreshes in a background task.
    await hass.async_block_till_done(wait_background_tasks=True)


def _lock_entity_ids(hass: HomeAssistant) -> list[str]:
    return sorted(hass.states.async_entity_ids("lock"))


def _seam_device(hass: HomeAssistant, device_id: str) -> dr.DeviceEntry | None:
    """The device registry's device of a Seam device id, if any."""
    devices = dr.async_get(hass).async_get_devices(identifiers={(DOMAIN, device_id)})
    assert len(devices) <= 1
    return devices[0] if devices else None


def _reauth_flows(hass: HomeAssistant, entry: MockConfigEntry) -> list[dict]:
    return [
        flow
        for flow in hass.config_entries.flow.async_progress()
        if flow["handler"] == DOMAIN
        and flow["context"]["source"] == SOURCE_REAUTH
        and flow["context"]["entry_id"] == entry.entry_id
    ]


# --- Setup and unload --------------------------------------------------------------------------


async def test_setup_loads_the_workspace_and_shows_each_lock(
    hass: HomeAssistant, simulator: SeamSimulator, config_entry: MockConfigEntry
) -> None:
    front = simulator.add_lock("Front Door", locked=True)
    simulator.add_lock("Back Door")

    await setup_integration(hass, config_entry)

    assert config_entry.state is ConfigEntryState.LOADED
    assert isinstance(config_entry.runtime_data.coordinator, SeamCoordinator)
    assert set(config_entry.runtime_data.coordinator.data) == set(simulator.devices)
    assert _lock_entity_ids(hass) == ["lock.back_door", "lock.front_door"]
    assert hass.states.get("lock.front_door").state == LockState.LOCKED
    assert hass.states.get("lock.back_door").state == LockState.UNLOCKED
    device = _seam_device(hass, front.device_id)
    assert device is not None
    assert device.name == "Front Door"
    assert device.config_entry_id == config_entry.entry_id


async def test_a_rejected_key_at_setup_fails_setup_and_asks_to_reauthenticate(
    hass: HomeAssistant, simulator: SeamSimulator
) -> None:
    simulator.add_lock("Front Door")
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=simulator.workspace_name,
        unique_id=simulator.workspace_id,
        data={CONF_API_KEY: "seam_revoked_key_000000000", CONF_API_URL: simulator.url},
    )

    await setup_integration(hass, entry)

    assert entry.state is ConfigEntryState.SETUP_ERROR
    [flow] = _reauth_flows(hass, entry)
    assert flow["step_id"] == "reauth_confirm"
    assert hass.states.get("lock.front_door") is None


async def test_a_seam_outage_at_setup_retries_later_and_loads_once_seam_is_back(
    hass: HomeAssistant, simulator: SeamSimulator, config_entry: MockConfigEntry
) -> None:
    simulator.add_lock("Front Door")
    simulator.inject("/devices/list", *[OUTAGE] * READ_ATTEMPTS)

    await setup_integration(hass, config_entry)

    assert config_entry.state is ConfigEntryState.SETUP_RETRY
    assert simulator.request_count("/devices/list") == READ_ATTEMPTS
    assert _reauth_flows(hass, config_entry) == []
    assert hass.states.get("lock.front_door") is None
    # The access-code actions exist all the same: automations that use them stay valid.
    for action in AccessCodeAction:
        assert hass.services.has_service(DOMAIN, action)

    # Home Assistant retries the setup within a minute; Seam answers again.
    await _refresh(hass, seconds=60)

    assert config_entry.state is ConfigEntryState.LOADED
    assert hass.states.get("lock.front_door").state == LockState.UNLOCKED


async def test_unloading_the_entry_makes_its_locks_unavailable(
    hass: HomeAssistant, simulator: SeamSimulator, config_entry: MockConfigEntry
) -> None:
    simulator.add_lock("Front Door")
    await setup_integration(hass, config_entry)
    requests_before = simulator.request_count("/devices/list")

    assert await hass.config_entries.async_unload(config_entry.entry_id)
    await hass.async_block_till_done()

    assert config_entry.state is ConfigEntryState.NOT_LOADED
    assert hass.states.get("lock.front_door").state == STATE_UNAVAILABLE
    # No polling after unload.
    await _refresh(hass, seconds=120)
    assert simulator.request_count("/devices/list") == requests_before


async def test_an_unloaded_entry_sets_up_again(
    hass: HomeAssistant, simulator: SeamSimulator, config_entry: MockConfigEntry
) -> None:
    simulator.add_lock("Front Door")
    await setup_integration(hass, config_entry)
    assert await hass.config_entries.async_unload(config_entry.entry_id)

    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()

    assert config_entry.state is ConfigEntryState.LOADED
    assert _lock_entity_ids(hass) == ["lock.front_door"]
    assert hass.states.get("lock.front_door").state == LockState.UNLOCKED


async def _delete_from_the_ui(client: MockHAClientWebSocket, device_id: str) -> bool:
    """Delete a device as its page's "Delete" does; whether Home Assistant did."""
    await client.send_json_auto_id(
        {"type": "config/device_registry/remove", "device_id": device_id}
    )
    response = await client.receive_json()
    return bool(response["success"])


# --- Removing devices by hand ------------------------------------------------------------------


async def test_a_lock_seam_still_lists_cannot_be_deleted_but_a_stale_device_can(
    hass: HomeAssistant, simulator: SeamSimulator, config_entry: MockConfigEntry
) -> None:
    front = simulator.add_lock("Front Door")
    await setup_integration(hass, config_entry)
    registry = dr.async_get(hass)
    listed = _seam_device(hass, front.device_id)
    # A device the registry remembers but Seam no longer lists (e.g. deleted while HA was off).
    stale = registry.async_get_or_create(
        config_entry_id=config_entry.entry_id,
        identifiers={(DOMAIN, "device_deleted_in_seam")},
        name="Old Garage Door",
    )

    assert await async_remove_config_entry_device(hass, config_entry, listed) is False
    assert await async_remove_config_entry_device(hass, config_entry, stale) is True


async def test_a_device_of_a_workspace_that_is_not_loaded_can_be_deleted(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    simulator: SeamSimulator,
    config_entry: MockConfigEntry,
) -> None:
    assert await async_setup_component(hass, "config", {})
    front = simulator.add_lock("Front Door")
    await setup_integration(hass, config_entry)
    assert await hass.config_entries.async_unload(config_entry.entry_id)
    device = _seam_device(hass, front.device_id)
    client = await hass_ws_client(hass)

    assert await _delete_from_the_ui(client, device.id) is True
    assert dr.async_get(hass).async_get(device.id) is None


async def test_deleting_devices_from_the_ui_refuses_listed_locks_and_removes_stale_ones(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    simulator: SeamSimulator,
    config_entry: MockConfigEntry,
) -> None:
    assert await async_setup_component(hass, "config", {})
    front = simulator.add_lock("Front Door")
    await setup_integration(hass, config_entry)
    registry = dr.async_get(hass)
    listed = _seam_device(hass, front.device_id)
    stale = registry.async_get_or_create(
        config_entry_id=config_entry.entry_id,
        identifiers={(DOMAIN, "device_deleted_in_seam")},
        name="Old Garage Door",
    )
    client = await hass_ws_client(hass)

    assert await _delete_from_the_ui(client, listed.id) is False
    assert registry.async_get(listed.id) is not None
    assert hass.states.get("lock.front_door").state == LockState.UNLOCKED

    assert await _delete_from_the_ui(client, stale.id) is True
    assert registry.async_get(stale.id) is None


# --- What a refresh brings ---------------------------------------------------------------------


async def test_a_lock_added_in_seam_appears_at_the_next_refresh_without_reload(
    hass: HomeAssistant, simulator: SeamSimulator, config_entry: MockConfigEntry
) -> None:
    simulator.add_lock("Front Door")
    await setup_integration(hass, config_entry)
    coordinator = config_entry.runtime_data
    back = simulator.add_lock("Back Door", locked=True)

    await _refresh(hass)

    assert _lock_entity_ids(hass) == ["lock.back_door", "lock.front_door"]
    assert hass.states.get("lock.back_door").state == LockState.LOCKED
    assert _seam_device(hass, back.device_id) is not None
    # Same setup, no reload.
    assert config_entry.runtime_data is coordinator
    assert config_entry.state is ConfigEntryState.LOADED


async def test_the_first_lock_added_to_an_empty_workspace_appears_at_the_next_refresh(
    hass: HomeAssistant, simulator: SeamSimulator, config_entry: MockConfigEntry
) -> None:
    # With no lock entity listening, the coordinator must still poll to find new locks.
    simulator.add_device("Hallway Thermostat")
    await setup_integration(hass, config_entry)
    assert config_entry.state is ConfigEntryState.LOADED
    assert _lock_entity_ids(hass) == []

    simulator.add_lock("Front Door")
    await _refresh(hass)

    assert simulator.request_count("/devices/list") == 2
    assert _lock_entity_ids(hass) == ["lock.front_door"]


async def test_the_last_lock_leaving_seam_does_not_stop_discovering_new_ones(
    hass: HomeAssistant, simulator: SeamSimulator, config_entry: MockConfigEntry
) -> None:
    front = simulator.add_lock("Front Door")
    await setup_integration(hass, config_entry)
    simulator.remove_device(front.device_id)
    await _refresh(hass)
    assert _lock_entity_ids(hass) == []

    simulator.add_lock("Back Door")
    await _refresh(hass)

    assert _lock_entity_ids(hass) == ["lock.back_door"]


async def test_a_lock_removed_from_seam_disappears_from_home_assistant(
    hass: HomeAssistant, simulator: SeamSimulator, config_entry: MockConfigEntry
) -> None:
    front = simulator.add_lock("Front Door")
    simulator.add_lock("Back Door")
    await setup_integration(hass, config_entry)
    assert _seam_device(hass, front.device_id) is not None

    simulator.remove_device(front.device_id)
    await _refresh(hass)

    assert _seam_device(hass, front.device_id) is None
    assert er.async_get(hass).async_get("lock.front_door") is None
    assert hass.states.get("lock.front_door") is None
    assert hass.states.get("lock.back_door").state == LockState.UNLOCKED


async def test_a_lock_deleted_in_seam_while_home_assistant_was_off_leaves_at_the_next_start(
    hass: HomeAssistant, simulator: SeamSimulator, config_entry: MockConfigEntry
) -> None:
    front = simulator.add_lock("Front Door")
    simulator.add_lock("Back Door")
    await setup_integration(hass, config_entry)
    assert await hass.config_entries.async_unload(config_entry.entry_id)

    simulator.remove_device(front.device_id)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()

    assert _seam_device(hass, front.device_id) is None
    assert er.async_get(hass).async_get("lock.front_door") is None
    assert hass.states.get("lock.back_door").state == LockState.UNLOCKED


async def test_removing_a_lock_logs_no_home_assistant_deprecation_warning(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    config_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    front = simulator.add_lock("Front Door")
    simulator.add_lock("Back Door")
    await setup_integration(hass, config_entry)

    simulator.remove_device(front.device_id)
    await _refresh(hass)

    assert _seam_device(hass, front.device_id) is None
    assert "Detected that custom integration 'seam'" not in caplog.text


async def test_a_lock_removed_from_seam_and_added_back_reappears(
    hass: HomeAssistant, simulator: SeamSimulator, config_entry: MockConfigEntry
) -> None:
    front = simulator.add_lock("Front Door", device_id="front_door_id")
    simulator.add_lock("Back Door")
    await setup_integration(hass, config_entry)
    simulator.remove_device(front.device_id)
    await _refresh(hass)
    assert hass.states.get("lock.front_door") is None

    simulator.add_lock("Front Door", device_id="front_door_id", locked=True)
    await _refresh(hass)

    assert hass.states.get("lock.front_door").state == LockState.LOCKED
    assert _seam_device(hass, "front_door_id") is not None


async def test_a_thermostat_never_becomes_a_lock(
    hass: HomeAssistant, simulator: SeamSimulator, config_entry: MockConfigEntry
) -> None:
    simulator.add_lock("Front Door")
    hallway = simulator.add_device("Hallway Thermostat")
    await setup_integration(hass, config_entry)

    bedroom = simulator.add_device("Bedroom Thermostat")
    await _refresh(hass)

    assert _lock_entity_ids(hass) == ["lock.front_door"]
    assert _seam_device(hass, hallway.device_id) is None
    assert _seam_device(hass, bedroom.device_id) is None
    assert set(config_entry.runtime_data.coordinator.data) == {
        device_id for device_id, device in simulator.devices.items() if device.is_lock
    }


async def test_a_lock_changed_by_hand_shows_its_new_state_at_the_next_refresh(
    hass: HomeAssistant, simulator: SeamSimulator, config_entry: MockConfigEntry
) -> None:
    front = simulator.add_lock("Front Door", locked=False)
    await setup_integration(hass, config_entry)

    front.locked = True
    await _refresh(hass)

    assert hass.states.get("lock.front_door").state == LockState.LOCKED


# --- Refresh failures --------------------------------------------------------------------------


async def test_locks_become_unavailable_during_a_seam_outage_and_recover_after_it(
    hass: HomeAssistant, simulator: SeamSimulator, config_entry: MockConfigEntry
) -> None:
    simulator.add_lock("Front Door")
    simulator.add_lock("Back Door", locked=True)
    await setup_integration(hass, config_entry)
    simulator.inject("/devices/list", *[OUTAGE] * READ_ATTEMPTS)

    await _refresh(hass)

    assert hass.states.get("lock.front_door").state == STATE_UNAVAILABLE
    assert hass.states.get("lock.back_door").state == STATE_UNAVAILABLE
    assert config_entry.state is ConfigEntryState.LOADED
    assert _reauth_flows(hass, config_entry) == []

    await _refresh(hass)

    assert hass.states.get("lock.front_door").state == LockState.UNLOCKED
    assert hass.states.get("lock.back_door").state == LockState.LOCKED


async def test_an_outage_is_logged_once_and_its_end_once(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    config_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    simulator.add_lock("Front Door")
    await setup_integration(hass, config_entry)
    simulator.inject("/devices/list", *[OUTAGE] * (2 * READ_ATTEMPTS))
    caplog.clear()

    await _refresh(hass)
    await _refresh(hass)
    assert hass.states.get("lock.front_door").state == STATE_UNAVAILABLE
    await _refresh(hass)

    assert hass.states.get("lock.front_door").state == LockState.UNLOCKED
    ours = [r for r in caplog.records if r.name.startswith("custom_components.seam")]
    failures = [r for r in ours if r.levelno >= logging.WARNING]
    recoveries = [r for r in ours if "recovered" in r.getMessage()]
    assert len(failures) == 1, [r.getMessage() for r in failures]
    assert "Seam" in failures[0].getMessage()
    assert len(recoveries) == 1


async def test_a_short_seam_hiccup_during_a_refresh_goes_unnoticed(
    hass: HomeAssistant, simulator: SeamSimulator, config_entry: MockConfigEntry
) -> None:
    simulator.add_lock("Front Door")
    await setup_integration(hass, config_entry)
    before = simulator.request_count("/devices/list")
    simulator.inject("/devices/list", OUTAGE)

    await _refresh(hass)

    assert hass.states.get("lock.front_door").state == LockState.UNLOCKED
    assert simulator.request_count("/devices/list") == before + 2


async def test_a_key_revoked_while_running_starts_reauthentication(
    hass: HomeAssistant, simulator: SeamSimulator, config_entry: MockConfigEntry
) -> None:
    simulator.add_lock("Front Door")
    await setup_integration(hass, config_entry)
    assert _reauth_flows(hass, config_entry) == []
    simulator.api_key = "seam_new_key_after_revocation"

    await _refresh(hass)

    [flow] = _reauth_flows(hass, config_entry)
    assert flow["step_id"] == "reauth_confirm"
    assert hass.states.get("lock.front_door").state == STATE_UNAVAILABLE


async def test_a_single_401_during_a_refresh_starts_reauthentication(
    hass: HomeAssistant, simulator: SeamSimulator, config_entry: MockConfigEntry
) -> None:
    simulator.add_lock("Front Door")
    await setup_integration(hass, config_entry)
    simulator.inject("/devices/list", Fault(status=401))

    await _refresh(hass)

    assert len(_reauth_flows(hass, config_entry)) == 1


async def test_rate_limiting_during_a_refresh_waits_for_retry_after_before_asking_again(
    hass: HomeAssistant, simulator: SeamSimulator, config_entry: MockConfigEntry
) -> None:
    simulator.add_lock("Front Door")
    await setup_integration(hass, config_entry)
    # Longer than the client sleeps through itself: the coordinator has to wait.
    simulator.inject("/devices/list", Fault(status=429, retry_after=120))
    before = simulator.request_count("/devices/list")

    await _refresh(hass)

    # The rate-limited request, not retried by the client.
    assert simulator.request_count("/devices/list") == before + 1
    assert hass.states.get("lock.front_door").state == STATE_UNAVAILABLE

    # The normal 30 s interval has passed several times, Retry-After has not.
    for seconds in (31, 61, 91, 115):
        await _refresh(hass, seconds=seconds)
        assert simulator.request_count("/devices/list") == before + 1, seconds

    await _refresh(hass, seconds=121)

    assert simulator.request_count("/devices/list") == before + 2
    assert hass.states.get("lock.front_door").state == LockState.UNLOCKED

    # Then back to the normal interval.
    await _refresh(hass)
    assert simulator.request_count("/devices/list") == before + 3
