"""The full picture of each lock: battery, door and connectivity sensors, and its activity."""

from __future__ import annotations

from unittest.mock import patch

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from syrupy.assertion import SnapshotAssertion

from custom_components.seam import PLATFORMS
from custom_components.seam.const import DOMAIN
from custom_components.seam.data import LockActivity, signal_lock_activity
from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import (
    ATTR_DEVICE_CLASS,
    ATTR_UNIT_OF_MEASUREMENT,
    PERCENTAGE,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
    EntityCategory,
    Platform,
)
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import entity_platform, entity_registry as er, issue_registry as ir
from homeassistant.helpers.dispatcher import async_dispatcher_send
from tests.conftest import advance, setup_integration
from tests.simulator import SeamSimulator, SimDevice

BATTERY = "sensor.front_door_battery"
BATTERY_STATUS = "sensor.front_door_battery_status"
KEYPAD_BATTERY = "sensor.front_door_keypad_battery"
DOOR = "binary_sensor.front_door_door"
CONNECTIVITY = "binary_sensor.front_door_connectivity"
ACTIVITY = "event.front_door_activity"


@pytest.fixture
def front_door(simulator: SeamSimulator) -> SimDevice:
    """A lock that reports everything: battery, keypad battery and door."""
    return simulator.add_lock(
        "Front Door",
        device_id="front_door_id",
        serial_number="FD-1",
        battery_level=0.86,
        door_open=False,
        properties={"keypad_battery": {"level": 0.4}},
    )


@pytest.fixture
def gate(simulator: SeamSimulator) -> SimDevice:
    """A mains-powered lock without a door sensor: it reports neither battery nor door."""
    return simulator.add_lock(
        "Gate",
        device_id="gate_id",
        serial_number="G-2",
        battery_level=None,
        door_open=None,
        properties={"has_direct_power": True},
    )


@pytest.fixture
def platforms() -> list[Platform]:
    """The platforms set up; a snapshot test narrows them to the one it snapshots."""
    return PLATFORMS


@pytest.fixture
async def loaded(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    front_door: SimDevice,
    gate: SimDevice,
    platforms: list[Platform],
    entity_registry_enabled_by_default: None,
) -> MockConfigEntry:
    """Both locks in the workspace, the integration set up, every entity enabled."""
    with patch("custom_components.seam.PLATFORMS", platforms):
        await setup_integration(hass, config_entry)
    return config_entry


def state_of(hass: HomeAssistant, entity_id: str) -> State:
    state = hass.states.get(entity_id)
    assert state is not None, f"{entity_id} does not exist"
    return state


def entity_ids_of(entity_registry: er.EntityRegistry, entry: MockConfigEntry) -> set[str]:
    return {
        entity.entity_id
        for entity in er.async_entries_for_config_entry(entity_registry, entry.entry_id)
    }


@pytest.mark.parametrize(
    "platforms",
    [[Platform.SENSOR], [Platform.BINARY_SENSOR], [Platform.EVENT]],
    ids=["sensor", "binary_sensor", "event"],
)
async def test_entities_snapshot(
    hass: HomeAssistant,
    loaded: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    await snapshot_platform(hass, entity_registry, snapshot, loaded.entry_id)


async def test_entities_exist_only_for_what_the_lock_reports(
    hass: HomeAssistant, loaded: MockConfigEntry, entity_registry: er.EntityRegistry
) -> None:
    """The gate reports no battery and no door: it gets only connectivity and activity."""
    assert entity_ids_of(entity_registry, loaded) == {
        "lock.front_door",
        BATTERY,
        BATTERY_STATUS,
        KEYPAD_BATTERY,
        DOOR,
        CONNECTIVITY,
        ACTIVITY,
        "lock.gate",
        "binary_sensor.gate_connectivity",
        "event.gate_activity",
    }


async def test_battery_status_words_are_disabled_until_the_user_enables_them(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    front_door: SimDevice,
    entity_registry: er.EntityRegistry,
) -> None:
    await setup_integration(hass, config_entry)
    entry = entity_registry.async_get(BATTERY_STATUS)
    assert entry is not None
    assert entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert hass.states.get(BATTERY_STATUS) is None
    assert state_of(hass, BATTERY).state == "86"


async def test_battery_sensors_show_seams_values_as_percentages(
    hass: HomeAssistant, loaded: MockConfigEntry, entity_registry: er.EntityRegistry
) -> None:
    battery = state_of(hass, BATTERY)
    assert battery.state == "86"
    assert battery.attributes[ATTR_UNIT_OF_MEASUREMENT] == PERCENTAGE
    assert battery.attributes[ATTR_DEVICE_CLASS] == SensorDeviceClass.BATTERY
    assert battery.attributes["state_class"] == SensorStateClass.MEASUREMENT
    assert state_of(hass, BATTERY_STATUS).state == "full"
    assert state_of(hass, BATTERY_STATUS).attributes["options"] == [
        "critical",
        "low",
        "good",
        "full",
    ]
    keypad = state_of(hass, KEYPAD_BATTERY)
    assert keypad.state == "40"
    assert keypad.attributes[ATTR_UNIT_OF_MEASUREMENT] == PERCENTAGE
    for entity_id in (BATTERY, BATTERY_STATUS, KEYPAD_BATTERY, CONNECTIVITY):
        entry = entity_registry.async_get(entity_id)
        assert entry is not None
        assert entry.entity_category is EntityCategory.DIAGNOSTIC
    door = entity_registry.async_get(DOOR)
    assert door is not None
    assert door.entity_category is None


async def test_battery_sensors_follow_seam_at_the_next_refresh(
    hass: HomeAssistant, loaded: MockConfigEntry, front_door: SimDevice
) -> None:
    front_door.battery_level = 0.2
    front_door.properties["keypad_battery"] = {"level": 0.05}
    assert state_of(hass, BATTERY).state == "86"
    await advance(hass, 31)
    assert state_of(hass, BATTERY).state == "20"
    assert state_of(hass, BATTERY_STATUS).state == "low"
    assert state_of(hass, KEYPAD_BATTERY).state == "5"


async def test_battery_status_seam_adds_later_reads_as_unknown(
    hass: HomeAssistant, loaded: MockConfigEntry, front_door: SimDevice
) -> None:
    front_door.battery_status = "overcharged"
    await advance(hass, 31)
    assert state_of(hass, BATTERY_STATUS).state == STATE_UNKNOWN
    assert state_of(hass, BATTERY).state == "86"


async def test_door_sensor_shows_the_door_opening(
    hass: HomeAssistant, loaded: MockConfigEntry, front_door: SimDevice
) -> None:
    assert state_of(hass, DOOR).state == STATE_OFF
    assert state_of(hass, DOOR).attributes[ATTR_DEVICE_CLASS] == "door"
    front_door.door_open = True
    await advance(hass, 31)
    assert state_of(hass, DOOR).state == STATE_ON


async def test_offline_lock_shows_as_disconnected_not_unavailable(
    hass: HomeAssistant, loaded: MockConfigEntry, front_door: SimDevice
) -> None:
    assert state_of(hass, CONNECTIVITY).state == STATE_ON
    front_door.online = False
    await advance(hass, 31)
    assert state_of(hass, CONNECTIVITY).state == STATE_OFF
    # What Seam cannot vouch for while the lock is offline is unavailable.
    for entity_id in ("lock.front_door", BATTERY, DOOR):
        assert state_of(hass, entity_id).state == STATE_UNAVAILABLE
    # Activity reported for an offline lock still happened.
    assert state_of(hass, ACTIVITY).state == STATE_UNKNOWN

    front_door.online = True
    await advance(hass, 31)
    assert state_of(hass, CONNECTIVITY).state == STATE_ON
    assert state_of(hass, BATTERY).state == "86"


async def test_activity_event_tells_what_happened_how_and_with_which_code(
    hass: HomeAssistant, loaded: MockConfigEntry
) -> None:
    signal = signal_lock_activity(loaded.entry_id)
    async_dispatcher_send(
        hass,
        signal,
        LockActivity(
            device_id="front_door_id",
            kind="unlocked",
            method="keycode",
            access_code_id="code_1",
            access_code_name="Cleaner",
        ),
    )
    await hass.async_block_till_done()
    state = state_of(hass, ACTIVITY)
    assert state.state != STATE_UNKNOWN
    assert state.attributes["event_type"] == "unlocked"
    assert state.attributes["method"] == "keycode"
    assert state.attributes["access_code_id"] == "code_1"
    assert state.attributes["access_code_name"] == "Cleaner"
    assert state.attributes["event_types"] == ["locked", "unlocked", "access_denied"]
    # Another lock's activity is not this lock's.
    assert state_of(hass, "event.gate_activity").state == STATE_UNKNOWN

    async_dispatcher_send(hass, signal, LockActivity(device_id="front_door_id", kind="locked"))
    await hass.async_block_till_done()
    state = state_of(hass, ACTIVITY)
    assert state.attributes["event_type"] == "locked"
    # An event says only what Seam said: no method or code left over from the last one.
    assert "method" not in state.attributes
    assert "access_code_name" not in state.attributes


async def test_access_denied_and_unknown_kinds(
    hass: HomeAssistant, loaded: MockConfigEntry
) -> None:
    """Access denied shows; a kind of event the entity does not know is ignored."""
    signal = signal_lock_activity(loaded.entry_id)
    async_dispatcher_send(
        hass, signal, LockActivity(device_id="gate_id", kind="access_denied", method="unknown")
    )
    await hass.async_block_till_done()
    before = state_of(hass, "event.gate_activity")
    assert before.attributes["event_type"] == "access_denied"
    assert before.attributes["method"] == "unknown"

    async_dispatcher_send(hass, signal, LockActivity(device_id="gate_id", kind="tampered"))
    await hass.async_block_till_done()
    assert state_of(hass, "event.gate_activity") == before


async def test_lock_added_later_gets_the_entities_it_reports(
    hass: HomeAssistant,
    loaded: MockConfigEntry,
    simulator: SeamSimulator,
    entity_registry: er.EntityRegistry,
) -> None:
    simulator.add_lock("Garage", device_id="garage_id", battery_level=0.5, door_open=None)
    await advance(hass, 31)
    garage = {
        entity_id for entity_id in entity_ids_of(entity_registry, loaded) if "garage" in entity_id
    }
    assert garage == {
        "lock.garage",
        "sensor.garage_battery",
        "sensor.garage_battery_status",
        "binary_sensor.garage_connectivity",
        "event.garage_activity",
    }
    assert state_of(hass, "sensor.garage_battery").state == "50"
    assert state_of(hass, "sensor.garage_battery_status").state == "good"


# --- Workspaces larger than Home Assistant's entity cap ----------------------------------------


def _enabled(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, list[str]]:
    """The entity ids of the entry, split into enabled and disabled."""
    split: dict[str, list[str]] = {"enabled": [], "disabled": []}
    for entity in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id):
        split["disabled" if entity.disabled else "enabled"].append(entity.entity_id)
    return {kind: sorted(ids) for kind, ids in split.items()}


@pytest.mark.parametrize(("cap", "enabled_locks"), [(10, 4), (3, 3)])
async def test_a_workspace_past_home_assistants_entity_cap_gets_its_locks_first(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    config_entry: MockConfigEntry,
    monkeypatch: pytest.MonkeyPatch,
    cap: int,
    enabled_locks: int,
) -> None:
    """Home Assistant enables at most N entities per entry: every lock entity comes first.

    The other entities (and any lock past the cap) are registered disabled, for the user to
    enable, instead of the platforms racing for what the cap leaves.
    """
    monkeypatch.setattr(entity_platform, "MAX_ENABLED_ENTITIES_PER_CONFIG_ENTRY", cap)
    locks = [simulator.add_lock(f"Door {number}", locked=True) for number in range(1, 5)]

    await setup_integration(hass, config_entry)

    split = _enabled(hass, config_entry)
    assert all(entity_id.startswith("lock.") for entity_id in split["enabled"])
    assert len(split["enabled"]) == enabled_locks
    assert len(split["disabled"]) == 4 * 6 - enabled_locks  # lock, activity, 2 binary, 2 sensors
    for entity_id in split["enabled"]:
        assert hass.states.get(entity_id).state == "locked"
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"{config_entry.entry_id}_entity_cap")
    assert issue is not None
    assert issue.translation_placeholders == {
        "workspace": config_entry.title,
        "locks": str(len(locks)),
        "cap": str(cap),
        "disabled_locks": str(len(locks) - enabled_locks),
    }


async def test_locks_added_to_a_full_workspace_get_what_the_cap_leaves_lock_first(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    config_entry: MockConfigEntry,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(entity_platform, "MAX_ENABLED_ENTITIES_PER_CONFIG_ENTRY", 6)
    simulator.add_lock("Front Door")
    await setup_integration(hass, config_entry)
    assert len(_enabled(hass, config_entry)["enabled"]) == 5  # battery status starts disabled

    simulator.add_lock("Back Door")
    await advance(hass, 31)
    split = _enabled(hass, config_entry)
    assert [entity_id for entity_id in split["enabled"] if "back" in entity_id] == [
        "lock.back_door"
    ]
    assert hass.states.get("lock.back_door").state == "unlocked"

    simulator.add_lock("Garage")
    await advance(hass, 31)
    split = _enabled(hass, config_entry)
    assert not [entity_id for entity_id in split["enabled"] if "garage" in entity_id]
    assert "lock.garage" in split["disabled"]


# --- Refreshes --------------------------------------------------------------------------------


async def test_a_refresh_that_changes_nothing_writes_no_state(
    hass: HomeAssistant, loaded: MockConfigEntry, front_door: SimDevice
) -> None:
    """Nothing changed at Seam: no state is written again (not even as "reported")."""
    watched = (BATTERY, DOOR, "lock.front_door", "lock.gate")
    # The timestamps themselves: Home Assistant updates the State object in place.
    before = {entity_id: hass.states.get(entity_id).last_reported for entity_id in watched}

    await advance(hass, 31)

    assert {entity_id: hass.states.get(entity_id).last_reported for entity_id in watched} == before

    front_door.battery_level = 0.5
    await advance(hass, 31)

    # Only the lock that changed is written again.
    assert hass.states.get(BATTERY).state == "50"
    assert hass.states.get("lock.gate").last_reported == before["lock.gate"]
