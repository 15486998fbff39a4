"""Device objects Seam itself published (tests/payloads/, each with its source), set up for real.

Each payload is served by the simulator exactly as Seam printed it, and Home Assistant sets
it up: what a user then sees (which devices become locks, available or not, with which name,
battery and device details) is checked against what Seam's payload says.
"""

from __future__ import annotations

from dataclasses import dataclass
import json
from pathlib import Path
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.seam.api import Device
from custom_components.seam.const import DOMAIN
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er, issue_registry as ir
from tests.conftest import advance, setup_integration
from tests.simulator import SeamSimulator
from tests.simulator.models import SimDevice

PAYLOADS = Path(__file__).parent / "payloads"


@dataclass(frozen=True)
class Shown:
    """What Home Assistant shows for a lock (a device that is not a lock shows nothing)."""

    state: str
    name: str
    battery: str | None = None
    manufacturer: str | None = None
    model: str | None = None
    serial_number: str | None = None
    connected: str = "on"
    repair: str | None = None


NOT_A_LOCK = None

# Expected from reading each payload by Seam's rules (see the README's "Supported devices").
EXPECTED: dict[str, Shown | None] = {
    # Current shape, with capability flags.
    "schlage_lock_docs_object": Shown(
        "unlocked", "Front Door", "48", "Schlage", "Encode", "34000000000531e0"
    ),
    "schlage_lock_digit_serial_derived": Shown(
        "unlocked", "Front Door", "48", "Schlage", "Encode", "00000000"
    ),
    "schlage_lock_offline_derived": Shown(
        STATE_UNAVAILABLE,
        "Front Door",
        STATE_UNAVAILABLE,
        "Schlage",
        "Encode",
        "34000000000531e0",
        connected="off",
    ),
    "schlage_lock_account_disconnected_derived": Shown(
        STATE_UNAVAILABLE,
        "Front Door",
        STATE_UNAVAILABLE,
        "Schlage",
        "Encode",
        "34000000000531e0",
        connected="off",
        repair="account_disconnected",
    ),
    # Reports no `locked`, but its flags say Seam can drive it: available, state unknown.
    "schlage_lock_unmanaged_docs_object": Shown(
        "unknown", "Front Door", "100", "Schlage", "Front Door"
    ),
    # Seam's shape from before 2024: no flags, `locked` and "lock" in capabilities_supported.
    "august_lock_2023_get_device": Shown(
        "locked",
        "BACK DOOR",
        "100",  # 0.9999532347993827
        "August",
        "Lock",
        "00000004-992d-45a0-bea1-9128fdcd8d12",
    ),
    "yale_lock_guide": Shown("locked", "BACK DOOR", "100", "august"),  # no model
    "nuki_lock_guide": Shown("unlocked", "Office Lock", "86", "nuki"),
    "kwikset_lock_guide": Shown("locked", "Kwikset Halo Touch", "65", "kwikset"),
    "igloohome_lock_guide": Shown("unlocked", "Office Lock", "86", "igloohome"),
    "salto_lock_guide": Shown("locked", "BACK DOOR", "100"),  # battery_level: the integer 1
    "tedee_lock_guide": Shown("locked", "Front Door", "100", "Tedee", "Lock PRO"),
    "two_n_intercom_guide": Shown(
        "locked", "Device 0", None, "two_n", None, "4c0e6e72-81da-48af-8825-ed92a6fb8186"
    ),
    "controlbyweb_device_guide": Shown("locked", "Device 2", None, "controlbyweb"),
    "smartthings_lock_js_readme_2022": Shown("locked", "My Lock"),
    # Never locks: thermostats, noise sensors (battery_level 1 too), phones (no `online`).
    "ecobee_thermostat_docs_object": NOT_A_LOCK,
    "nest_thermostat_user_identity_accessible_devices": NOT_A_LOCK,
    "honeywell_resideo_thermostat_guide_2024": NOT_A_LOCK,
    "minut_sensor_docs_object": NOT_A_LOCK,
    "noiseaware_activity_zone_guide": NOT_A_LOCK,
    "ios_phone_docs_object": NOT_A_LOCK,
    "android_phone_docs_create_sandbox_phone": NOT_A_LOCK,
    # Published trimmed: no flags and no `locked`, so not a lock by Seam's rule (a Storybook
    # fixture of Seam's React components, and an unmanaged device from 2023).
    "august_lock_react_story_account_disconnected": NOT_A_LOCK,
    "august_lock_react_story_offline": NOT_A_LOCK,
    "ttlock_lock_2023_unmanaged_offline_account_disconnected": NOT_A_LOCK,
}


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PAYLOADS / f"{name}.json").read_text())
    return data


def test_every_payload_has_its_source_and_an_expectation() -> None:
    names = {path.stem for path in PAYLOADS.glob("*.json")}
    assert names == set(EXPECTED)
    types = set()
    for name in names:
        data = load(name)
        assert data["source"].startswith("https://github.com/seamapi/"), name
        assert data["what"], name
        assert isinstance(data["edits"], list), name
        assert name.endswith("_derived") == bool(data["edits"]), name
        types.add(data["device"]["device_type"])
    assert len(types) >= 10


@pytest.mark.parametrize("name", sorted(EXPECTED))
async def test_a_published_device_sets_up_as_seam_describes_it(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    config_entry: MockConfigEntry,
    name: str,
) -> None:
    payload = load(name)["device"]
    simulator.add_published(payload)
    await setup_integration(hass, config_entry)
    device_id = payload["device_id"]
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), config_entry.entry_id)
    entities = er.async_entries_for_config_entry(er.async_get(hass), config_entry.entry_id)

    expected = EXPECTED[name]
    assert Device.from_json(payload).is_lock is (expected is not None)
    if expected is None:
        assert devices == []
        assert entities == []
        assert hass.states.async_all() == []
        return

    [device] = devices
    assert device.identifiers == {(DOMAIN, device_id)}
    assert (device.name, device.manufacturer, device.model, device.serial_number) == (
        expected.name,
        expected.manufacturer,
        expected.model,
        expected.serial_number,
    )
    registry = er.async_get(hass)

    def state_of(domain: str, unique_id: str) -> str | None:
        entity_id = registry.async_get_entity_id(domain, DOMAIN, unique_id)
        if entity_id is None:
            return None
        state = hass.states.get(entity_id)
        assert state is not None
        return state.state

    lock_id = registry.async_get_entity_id("lock", DOMAIN, device_id)
    assert lock_id is not None
    lock = hass.states.get(lock_id)
    assert lock is not None
    assert lock.name == expected.name
    assert lock.state == expected.state
    assert state_of("sensor", f"{device_id}-battery_level") == expected.battery
    assert state_of("binary_sensor", f"{device_id}-connectivity") == expected.connected
    issues = {issue_id for (_, issue_id) in ir.async_get(hass).issues}
    if expected.repair is None:
        assert issues == set()
    else:
        assert any(expected.repair in issue_id for issue_id in issues)


def simulated_schlage(**fields: Any) -> SimDevice:
    """The simulator's Schlage lock that can do everything."""
    return SimDevice(
        device_id="sim",
        device_type="schlage_lock",
        display_name="Front Door",
        manufacturer="schlage",
        model="Encode",
        can_remotely_lock=True,
        can_remotely_unlock=True,
        can_program_online_access_codes=True,
        **fields,
    )


def test_the_simulator_renders_nothing_seam_would_not() -> None:
    """Every field the simulator renders for a lock is in Seam's own, with the same JSON type.

    (`null` where Seam's OpenAPI document says the field may be null, as `location`.)
    """
    published = load("schlage_lock_docs_object")["device"]
    simulated = simulated_schlage(
        nickname="Front Door", serial_number="1", locked=False, battery_level=0.5
    ).to_json()

    def shape(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: shape(inner) for key, inner in value.items()}
        return type(value).__name__

    def within(ours: Any, seams: Any, path: str) -> None:
        if ours == "NoneType":
            return
        if isinstance(ours, dict):
            assert isinstance(seams, dict), path
            for key, inner in ours.items():
                assert key in seams, f"{path}.{key}"
                within(inner, seams[key], f"{path}.{key}")
        else:
            assert ours == seams, path

    within(shape(simulated), shape(published), "device")


def test_the_simulator_turns_flags_false_as_seam_does() -> None:
    lock = simulated_schlage()
    flags = ("can_remotely_lock", "can_remotely_unlock", "can_program_online_access_codes")
    assert [lock.to_json()[flag] for flag in flags] == [True, True, True]
    lock.disconnect_account()
    published = load("schlage_lock_account_disconnected_derived")["device"]
    assert [lock.to_json()[flag] for flag in flags] == [published[flag] for flag in flags]
    assert lock.to_json()["errors"][0]["error_code"] == published["errors"][0]["error_code"]
    lock.reconnect_account()
    lock.online = False
    assert [lock.to_json()[flag] for flag in flags] == [False, False, False]


async def test_a_pre_2024_lock_that_stops_reporting_locked_stays_with_its_settings(
    hass: HomeAssistant, simulator: SeamSimulator, config_entry: MockConfigEntry
) -> None:
    """Offline, Seam's pre-2024 shape may drop `locked`, its only sign of being a lock."""
    payload = load("august_lock_2023_get_device")["device"]
    device = simulator.add_published(payload)
    await setup_integration(hass, config_entry)
    registry = er.async_get(hass)
    lock_id = registry.async_get_entity_id("lock", DOMAIN, payload["device_id"])
    assert lock_id is not None
    registry.async_update_entity(lock_id, name="Back entrance")

    offline = json.loads(json.dumps(payload))
    offline["properties"]["online"] = False
    del offline["properties"]["locked"]
    offline["errors"] = load("ttlock_lock_2023_unmanaged_offline_account_disconnected")["device"][
        "errors"
    ]
    device.published = offline
    await advance(hass, 31)
    assert hass.states.get(lock_id).state == STATE_UNAVAILABLE
    # A restart while it is so: Home Assistant knows it as a lock, and keeps it.
    assert await hass.config_entries.async_reload(config_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(lock_id).state == STATE_UNAVAILABLE

    device.published = payload
    await advance(hass, 31)
    assert registry.async_get_entity_id("lock", DOMAIN, payload["device_id"]) == lock_id
    state = hass.states.get(lock_id)
    assert state.state == "locked"
    assert state.name == "Back entrance"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"online": False}, STATE_UNAVAILABLE),  # works while online, as Seam's flags would say
        ({"capabilities_supported": ["access_code"]}, STATE_UNAVAILABLE),  # Seam cannot drive it
        ({}, "locked"),
    ],
    ids=["offline", "no-lock-capability", "as-published"],
)
async def test_what_a_pre_2024_lock_can_do_follows_capabilities_supported_and_online(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    config_entry: MockConfigEntry,
    change: dict[str, Any],
    expected: str,
) -> None:
    payload = load("august_lock_2023_get_device")["device"]
    if "online" in change:
        payload["properties"]["online"] = change["online"]
    if "capabilities_supported" in change:
        payload["capabilities_supported"] = change["capabilities_supported"]
    # Seam's flags, as the integration reads them from the shape without any.
    assert Device.from_json(payload).can_be_controlled is (expected != STATE_UNAVAILABLE)
    simulator.add_published(payload)
    await setup_integration(hass, config_entry)
    lock_id = er.async_get(hass).async_get_entity_id("lock", DOMAIN, payload["device_id"])
    assert lock_id is not None
    assert hass.states.get(lock_id).state == expected
