"""Seam locks in the real Home Assistant, driving the Seam simulator over HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from unittest.mock import patch

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from syrupy.assertion import SnapshotAssertion

from custom_components.seam import PLATFORMS, failures, locks
from custom_components.seam.const import DOMAIN
from homeassistant.components.lock import DOMAIN as LOCK_DOMAIN, LockState
from homeassistant.components.persistent_notification import (
    _async_get_or_create_notifications as notifications,
)
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNAVAILABLE, STATE_UNKNOWN, Platform
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.event import async_track_state_change_event
from tests.conftest import advance, record_states, setup_integration
from tests.simulator import Fault, Outcome, SeamSimulator, SimDevice

FRONT = "lock.front_door"
BACK = "lock.back_door"


@pytest.fixture
def front_door(simulator: SeamSimulator) -> SimDevice:
    return simulator.add_lock(
        "Front Door", device_id="front_door_id", locked=False, serial_number="FD-1"
    )


@pytest.fixture
def back_door(simulator: SeamSimulator) -> SimDevice:
    return simulator.add_lock(
        "Back Door",
        device_id="back_door_id",
        locked=True,
        manufacturer="schlage",
        model="Schlage Encode",
        device_type="schlage_lock",
        serial_number="BD-2",
    )


@pytest.fixture
def platforms() -> list[Platform]:
    """The platforms set up; a snapshot test narrows them to the one it snapshots."""
    return PLATFORMS


@pytest.fixture
async def loaded(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    config_entry: MockConfigEntry,
    front_door: SimDevice,
    back_door: SimDevice,
    platforms: list[Platform],
) -> MockConfigEntry:
    """Two locks and a thermostat in the workspace, the integration set up."""
    simulator.add_device("Hallway Thermostat", device_id="thermostat_id")
    with patch("custom_components.seam.PLATFORMS", platforms):
        await setup_integration(hass, config_entry)
    return config_entry


async def call(hass: HomeAssistant, service: str, entity_id: str) -> None:
    await hass.services.async_call(LOCK_DOMAIN, service, {ATTR_ENTITY_ID: entity_id}, blocking=True)


def notification_for(hass: HomeAssistant, device_id: str) -> dict[str, str] | None:
    note = notifications(hass).get(failures.notification_id(device_id))
    return None if note is None else {"title": note["title"], "message": note["message"]}


@pytest.mark.parametrize("platforms", [[Platform.LOCK]], ids=["lock"])
async def test_every_lock_of_the_workspace_appears(
    hass: HomeAssistant,
    loaded: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """Both locks show with Seam's state; the thermostat (which lists 'lock') does not."""
    assert hass.states.get(FRONT).state == LockState.UNLOCKED
    assert hass.states.get(BACK).state == LockState.LOCKED
    assert hass.states.async_entity_ids(LOCK_DOMAIN) == [FRONT, BACK]
    await snapshot_platform(hass, entity_registry, snapshot, loaded.entry_id)
    for device_entry in dr.async_entries_for_config_entry(device_registry, loaded.entry_id):
        assert device_entry == snapshot(name=f"{device_entry.name}-device")
    device = device_registry.async_get_device_by_identifier(
        (DOMAIN, "back_door_id"), loaded.entry_id
    )
    assert device is not None
    assert (device.name, device.manufacturer, device.model, device.serial_number) == (
        "Back Door",
        "Schlage",
        "Schlage Encode",
        "BD-2",
    )
    assert entity_registry.async_get(BACK).unique_id == "back_door_id"


async def test_lock_shows_locking_then_locked_as_soon_as_seam_confirms(
    hass: HomeAssistant, loaded: MockConfigEntry, simulator: SeamSimulator, front_door: SimDevice
) -> None:
    front_door.actuation_delay = 0.4
    states = record_states(hass, FRONT)
    simulator.reset_requests()
    await call(hass, "lock", FRONT)
    assert states == [LockState.LOCKING, LockState.LOCKED]
    assert hass.states.get(FRONT).state == LockState.LOCKED
    assert front_door.locked is True
    assert simulator.request_count("/locks/lock_door") == 1
    # The state came from the action attempt; a refresh then re-reads the devices.
    assert simulator.request_count("/devices/list") == 1
    assert notification_for(hass, "front_door_id") is None


async def test_locking_is_visible_while_seam_works(
    hass: HomeAssistant, loaded: MockConfigEntry, front_door: SimDevice
) -> None:
    front_door.actuation_delay = 1.0
    task = hass.async_create_task(call(hass, "lock", FRONT))
    await asyncio.sleep(0.5)
    assert hass.states.get(FRONT).state == LockState.LOCKING
    assert front_door.locked is False
    await task
    assert hass.states.get(FRONT).state == LockState.LOCKED


async def test_failed_unlock_leaves_the_lock_locked_and_tells_the_user_why(
    hass: HomeAssistant, loaded: MockConfigEntry, back_door: SimDevice
) -> None:
    back_door.outcome = Outcome(
        status="error", error_type="lock_jammed", error_message="The bolt is jammed."
    )
    states = record_states(hass, BACK)
    with pytest.raises(HomeAssistantError, match="The bolt is jammed") as caught:
        await call(hass, "unlock", BACK)
    assert caught.value.translation_key == "unlock_failed"
    assert "lock_jammed" in str(caught.value)
    assert states == [LockState.UNLOCKING, LockState.LOCKED]
    note = notification_for(hass, "back_door_id")
    assert note is not None
    assert note["title"] == "Back Door: unlock failed"
    assert "Seam could not unlock Back Door: The bolt is jammed (error type" in note["message"]
    assert "lock_jammed" in note["message"]
    assert "request id: req_" in note["message"]


async def test_one_notification_per_lock_replaced_then_dismissed_by_a_success(
    hass: HomeAssistant, loaded: MockConfigEntry, front_door: SimDevice
) -> None:
    front_door.outcome = Outcome(status="error", error_type="first", error_message="First")
    with pytest.raises(HomeAssistantError):
        await call(hass, "lock", FRONT)
    front_door.outcome = Outcome(status="error", error_type="second", error_message="Second")
    with pytest.raises(HomeAssistantError):
        await call(hass, "lock", FRONT)
    ours = [key for key in notifications(hass) if key.startswith(DOMAIN)]
    assert ours == [failures.notification_id("front_door_id")]
    note = notification_for(hass, "front_door_id")
    assert note is not None
    assert "Second" in note["message"]
    assert "First" not in note["message"]

    front_door.outcome = Outcome()
    await call(hass, "lock", FRONT)
    assert hass.states.get(FRONT).state == LockState.LOCKED
    assert notification_for(hass, "front_door_id") is None


async def test_unconfirmed_command_says_so_and_keeps_seams_state(
    hass: HomeAssistant,
    loaded: MockConfigEntry,
    front_door: SimDevice,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(locks, "ACTION_ATTEMPT_TIMEOUT", 0.5)
    front_door.outcome = Outcome(status="never")
    with pytest.raises(HomeAssistantError, match="has not confirmed") as caught:
        await call(hass, "lock", FRONT)
    assert caught.value.translation_key == "lock_not_confirmed"
    assert hass.states.get(FRONT).state == LockState.UNLOCKED
    note = notification_for(hass, "front_door_id")
    assert note is not None
    assert "next update" in note["message"]


@pytest.mark.parametrize(
    ("fault", "key", "words"),
    [
        (
            Fault(status=400, message="device_id is not a lock"),
            "lock_rejected",
            "device_id is not a lock",
        ),
        (Fault(status=429, retry_after=42), "rate_limited", "Try again in 42 seconds"),
        (Fault(status=500, message="Boom"), "server_error", "server error"),
        (Fault(status=503, body=b""), "server_error", "server error"),
        (Fault(drop=True), "cannot_connect", "Could not reach Seam"),
        (Fault(status=409, message="Busy"), "lock_rejected", "Busy"),
    ],
    ids=["400", "429", "500", "503-empty", "dropped", "409"],
)
async def test_rejected_command_is_reported_and_changes_nothing(
    hass: HomeAssistant,
    loaded: MockConfigEntry,
    simulator: SeamSimulator,
    front_door: SimDevice,
    fault: Fault,
    key: str,
    words: str,
) -> None:
    simulator.inject("/locks/lock_door", fault)
    with pytest.raises(HomeAssistantError, match=words) as caught:
        await call(hass, "lock", FRONT)
    assert caught.value.translation_key == key
    assert hass.states.get(FRONT).state == LockState.UNLOCKED
    assert front_door.locked is False
    assert simulator.request_count("/locks/lock_door") == 1
    note = notification_for(hass, "front_door_id")
    assert note is not None
    assert note["title"] == "Front Door: lock failed"
    assert words in note["message"]


async def test_lock_removed_from_seam_becomes_unavailable_then_leaves(
    hass: HomeAssistant,
    loaded: MockConfigEntry,
    simulator: SeamSimulator,
    device_registry: dr.DeviceRegistry,
) -> None:
    simulator.remove_device("front_door_id")
    with pytest.raises(HomeAssistantError, match="no longer knows Front Door") as caught:
        await call(hass, "lock", FRONT)
    assert caught.value.translation_key == "device_not_found"
    await hass.async_block_till_done()
    # The refresh that followed found the lock gone: its device leaves Home Assistant.
    assert (
        device_registry.async_get_device_by_identifier((DOMAIN, "front_door_id"), loaded.entry_id)
        is None
    )
    state = hass.states.get(FRONT)
    assert state is None or state.state == STATE_UNAVAILABLE


async def test_revoked_key_during_a_command_starts_reauthentication(
    hass: HomeAssistant, loaded: MockConfigEntry, simulator: SeamSimulator
) -> None:
    simulator.inject("/locks/lock_door", Fault(status=401))
    simulator.inject("/devices/list", Fault(status=401))
    with pytest.raises(HomeAssistantError, match="Re-authenticate") as caught:
        await call(hass, "lock", FRONT)
    assert caught.value.translation_key == "command_auth_failed"
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress()
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]


# Each action and the capability flag Seam gives for it.
BOTH_ACTIONS = pytest.mark.parametrize(
    ("service", "capability"), [("lock", "can_remotely_lock"), ("unlock", "can_remotely_unlock")]
)


@BOTH_ACTIONS
async def test_an_action_the_lock_lacks_is_refused_before_sending(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    config_entry: MockConfigEntry,
    service: str,
    capability: str,
) -> None:
    """No flag at all: the lock does not have the capability (e.g. a lock that only unlocks)."""
    simulator.add_lock("Gate", locked=True, **{capability: None})
    await setup_integration(hass, config_entry)
    assert hass.states.get("lock.gate").state == LockState.LOCKED  # the other action works
    with pytest.raises(ServiceValidationError) as caught:
        await call(hass, service, "lock.gate")
    assert caught.value.translation_key == f"cannot_{service}_remotely"
    assert "Gate cannot be" in str(caught.value)
    assert simulator.request_count(f"/locks/{service}_door") == 0


@BOTH_ACTIONS
async def test_an_action_seam_says_does_not_work_now_is_refused_with_seams_reason(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    config_entry: MockConfigEntry,
    service: str,
    capability: str,
) -> None:
    """Flag `false`: the lock has it, but Seam says it does not work at the moment, and why."""
    gate = simulator.add_lock(
        "Gate",
        locked=True,
        **{capability: False},
        warnings=[
            {"warning_code": "power_saving_mode", "message": "Lock is in power saving mode."}
        ],
    )
    await setup_integration(hass, config_entry)
    assert hass.states.get("lock.gate").state == LockState.LOCKED
    with pytest.raises(HomeAssistantError) as caught:
        await call(hass, service, "lock.gate")
    assert caught.value.translation_key == f"{service}_not_possible_now"
    message = str(caught.value)
    assert f"Seam cannot {service} Gate right now: Lock is in power saving mode." in message
    assert simulator.request_count(f"/locks/{service}_door") == 0
    note = notification_for(hass, gate.device_id)
    assert note is not None
    assert note["title"] == f"Gate: {service} failed"
    assert "power saving mode" in note["message"]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"online": False}, STATE_UNAVAILABLE),
        ({"account_disconnected": True}, STATE_UNAVAILABLE),
        ({"can_remotely_lock": False, "can_remotely_unlock": False}, STATE_UNAVAILABLE),
        ({"can_remotely_lock": False}, "locked"),
        # Errors that leave Seam's flags `true`: Seam can still drive the lock.
        ({"errors": [{"error_code": "hub_disconnected", "message": "Hub"}]}, "locked"),
        ({"errors": [{"error_code": "a_code_seam_adds_later", "message": "?"}]}, "locked"),
        ({"errors": [{"error_code": "empty_backup_access_code_pool", "message": "x"}]}, "locked"),
        ({"warnings": [{"warning_code": "device_has_flaky_connection", "message": "x"}]}, "locked"),
        ({"locked": None}, STATE_UNKNOWN),
    ],
    ids=[
        "offline",
        "account-disconnected",
        "flags-false",
        "one-flag-false",
        "hub-error-flags-true",
        "unknown-error-flags-true",
        "harmless-error",
        "warning",
        "no-state",
    ],
)
async def test_lock_is_available_while_seam_says_it_can_control_it(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    config_entry: MockConfigEntry,
    fields: dict[str, object],
    expected: str,
) -> None:
    disconnect = fields.pop("account_disconnected", False)
    shed = simulator.add_lock("Shed", **{"locked": True, **fields})
    if disconnect:
        shed.disconnect_account()
    await setup_integration(hass, config_entry)
    assert hass.states.get("lock.shed").state == expected


async def test_same_command_twice_joins_the_one_under_way(
    hass: HomeAssistant, loaded: MockConfigEntry, simulator: SeamSimulator, front_door: SimDevice
) -> None:
    front_door.actuation_delay = 0.5
    states = record_states(hass, FRONT)
    await asyncio.gather(call(hass, "lock", FRONT), call(hass, "lock", FRONT))
    assert simulator.request_count("/locks/lock_door") == 1
    assert states == [LockState.LOCKING, LockState.LOCKED]


async def test_unlock_during_locking_waits_and_states_never_interleave(
    hass: HomeAssistant, loaded: MockConfigEntry, simulator: SeamSimulator, front_door: SimDevice
) -> None:
    front_door.actuation_delay = 0.4
    states = record_states(hass, FRONT)
    first = hass.async_create_task(call(hass, "lock", FRONT))
    await asyncio.sleep(0.1)
    await call(hass, "unlock", FRONT)
    await first
    assert states == [LockState.LOCKING, LockState.LOCKED, LockState.UNLOCKING, LockState.UNLOCKED]
    assert front_door.locked is False


async def test_a_failure_reaches_every_caller_of_a_joined_command(
    hass: HomeAssistant, loaded: MockConfigEntry, front_door: SimDevice
) -> None:
    front_door.actuation_delay = 0.3
    front_door.outcome = Outcome(status="error", error_type="x", error_message="Nope")
    results = await asyncio.gather(
        call(hass, "lock", FRONT), call(hass, "lock", FRONT), return_exceptions=True
    )
    assert all(isinstance(result, HomeAssistantError) for result in results)
    assert hass.states.get(FRONT).state == LockState.UNLOCKED


async def test_commands_on_different_locks_run_side_by_side(
    hass: HomeAssistant,
    loaded: MockConfigEntry,
    front_door: SimDevice,
    back_door: SimDevice,
) -> None:
    front_door.actuation_delay = back_door.actuation_delay = 0.6
    # Each time either lock's state changes, what both show.
    seen: list[tuple[str, str]] = []

    @callback
    def on_change(event: Event[EventStateChangedData]) -> None:
        seen.append((hass.states.get(FRONT).state, hass.states.get(BACK).state))

    async_track_state_change_event(hass, [FRONT, BACK], on_change)
    both: list[Awaitable[None]] = [call(hass, "lock", FRONT), call(hass, "unlock", BACK)]
    await asyncio.gather(*both)
    # One after the other, one lock would have finished before the other started.
    assert (LockState.LOCKING, LockState.UNLOCKING) in seen
    assert hass.states.get(FRONT).state == LockState.LOCKED
    assert hass.states.get(BACK).state == LockState.UNLOCKED


async def test_lock_changed_outside_home_assistant_shows_at_the_next_refresh(
    hass: HomeAssistant,
    loaded: MockConfigEntry,
    front_door: SimDevice,
) -> None:
    front_door.locked = True
    assert hass.states.get(FRONT).state == LockState.UNLOCKED
    await advance(hass, 31)
    assert hass.states.get(FRONT).state == LockState.LOCKED


async def test_a_device_list_read_before_a_confirmed_lock_does_not_undo_it(
    hass: HomeAssistant, loaded: MockConfigEntry, simulator: SeamSimulator, front_door: SimDevice
) -> None:
    """A refresh that read "unlocked" just before the lock moved answers late: still locked."""
    front_door.actuation_delay = 0.1
    simulator.inject("/devices/list", Fault(delay_after=1.0))
    refresh = hass.async_create_task(loaded.runtime_data.coordinator.async_refresh())
    await asyncio.sleep(0.05)  # Seam has read the list (unlocked); its answer is on the way
    seen = record_states(hass, FRONT)

    await hass.services.async_call(LOCK_DOMAIN, "lock", {ATTR_ENTITY_ID: FRONT}, blocking=True)
    await refresh
    await hass.async_block_till_done()

    assert seen == [LockState.LOCKING, LockState.LOCKED]
    assert hass.states.get(FRONT).state == LockState.LOCKED
