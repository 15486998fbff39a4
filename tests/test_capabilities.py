"""Seam's capability flags as Seam defines them: true works now, false has it but not now.

A lock whose flags turn `false` (offline, its account disconnected) is still the same lock in
Home Assistant: its entity, its name and area, its device entry stay; it is unavailable until
Seam says it works again.
"""

from __future__ import annotations

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.seam.const import DOMAIN
from homeassistant.components.lock import LockState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import (
    area_registry as ar,
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)
from tests.conftest import advance, setup_integration
from tests.simulator import SeamSimulator, SimDevice

FRONT = "lock.front_door"


@pytest.fixture
async def front_door(simulator: SeamSimulator) -> SimDevice:
    return simulator.add_lock("Front Door", device_id="front_door_id", locked=True)


@pytest.fixture
async def loaded(
    hass: HomeAssistant, config_entry: MockConfigEntry, front_door: SimDevice
) -> MockConfigEntry:
    await setup_integration(hass, config_entry)
    return config_entry


def users_settings(hass: HomeAssistant) -> tuple[str, str | None, str | None]:
    """The user's own: the entity's id, the name they gave it, the device's area."""
    entity = er.async_get(hass).async_get(FRONT)
    assert entity is not None
    device = dr.async_get(hass).async_get(entity.device_id or "")
    assert device is not None
    return (entity.entity_id, entity.name, device.area_id)


@pytest.mark.parametrize("trouble", ["account_disconnected", "offline"])
async def test_a_lock_in_trouble_keeps_the_users_settings_and_comes_back(
    hass: HomeAssistant,
    loaded: MockConfigEntry,
    front_door: SimDevice,
    simulator: SeamSimulator,
    trouble: str,
) -> None:
    entities, devices = er.async_get(hass), dr.async_get(hass)
    hallway = ar.async_get(hass).async_create("Hallway")
    entities.async_update_entity(FRONT, name="Main entrance")
    device = devices.async_get_device_by_identifier((DOMAIN, "front_door_id"), loaded.entry_id)
    assert device is not None
    devices.async_update_device(device.id, area_id=hallway.id)
    before = users_settings(hass)

    if trouble == "account_disconnected":
        front_door.disconnect_account()
    else:
        front_door.online = False
    await advance(hass, 31)

    # Seam turned its flags `false`: still a lock, unavailable, nothing of the user's lost.
    assert front_door.to_json()["can_remotely_lock"] is False
    assert hass.states.get(FRONT).state == STATE_UNAVAILABLE
    assert users_settings(hass) == before
    same = devices.async_get_device_by_identifier((DOMAIN, "front_door_id"), loaded.entry_id)
    assert same is not None
    assert same.id == device.id
    if trouble == "account_disconnected":
        assert ir.async_get(hass).async_get_issue(
            DOMAIN, f"{loaded.entry_id}_account_disconnected_connected_account_sim_1"
        )

    if trouble == "account_disconnected":
        front_door.reconnect_account()
    else:
        front_door.online = True
    await advance(hass, 31)

    state = hass.states.get(FRONT)
    assert state.state == LockState.LOCKED
    assert state.name == "Main entrance"
    assert users_settings(hass) == before
    assert not ir.async_get(hass).issues


async def test_a_lock_leaves_only_when_seam_no_longer_lists_it(
    hass: HomeAssistant,
    loaded: MockConfigEntry,
    front_door: SimDevice,
    simulator: SeamSimulator,
) -> None:
    front_door.can_remotely_lock = front_door.can_remotely_unlock = False
    front_door.online = False
    await advance(hass, 31)
    assert dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, "front_door_id"), loaded.entry_id
    )
    simulator.remove_device("front_door_id")
    await advance(hass, 31)
    assert (
        dr.async_get(hass).async_get_device_by_identifier(
            (DOMAIN, "front_door_id"), loaded.entry_id
        )
        is None
    )
    assert er.async_get(hass).async_get(FRONT) is None


async def test_a_lock_that_reconnects_by_push_is_available_at_once(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    config_entry: MockConfigEntry,
    front_door: SimDevice,
    reachable: object,
) -> None:
    """Connected again: the flags come back with a read made at once, not ten minutes later."""
    await setup_integration(hass, config_entry)
    await hass.async_block_till_done(wait_background_tasks=True)
    front_door.disconnect_account()
    simulator.emit("device.disconnected", device_id="front_door_id")
    await simulator.webhooks.settle()
    await hass.async_block_till_done()
    assert hass.states.get(FRONT).state == STATE_UNAVAILABLE

    front_door.reconnect_account()
    simulator.emit("device.connected", device_id="front_door_id")
    await simulator.webhooks.settle()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(FRONT).state == LockState.LOCKED
