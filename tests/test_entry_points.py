"""Every way a user reaches a lock (voice, scenes, automations) through the real Home Assistant."""

from __future__ import annotations

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.components import conversation
from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.components.lock import LockState
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import intent
from homeassistant.setup import async_setup_component
from tests.conftest import setup_integration
from tests.simulator import Outcome, SeamSimulator, SimDevice

FRONT = "lock.front_door"
BACK = "lock.back_door"


@pytest.fixture
def front_door(simulator: SeamSimulator) -> SimDevice:
    return simulator.add_lock("Front Door", device_id="front_door_id", locked=False)


@pytest.fixture
async def loaded(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    config_entry: MockConfigEntry,
    front_door: SimDevice,
) -> MockConfigEntry:
    simulator.add_lock("Back Door", device_id="back_door_id", locked=True)
    assert await async_setup_component(hass, "homeassistant", {})
    await setup_integration(hass, config_entry)
    return config_entry


async def say(hass: HomeAssistant, text: str) -> intent.IntentResponse:
    """Ask Home Assistant's own agent; then let the command it started finish with Seam."""
    result = await conversation.async_converse(hass, text, None, Context(), language="en")
    # Assist answers once the action is under way; the lock confirms when Seam does.
    await hass.async_block_till_done()
    return result.response


async def test_voice_locks_unlocks_and_answers_from_the_real_state(
    hass: HomeAssistant, loaded: MockConfigEntry
) -> None:
    assert await async_setup_component(hass, "conversation", {})
    assert await async_setup_component(hass, "intent", {})
    # Locks are not exposed to Assist by default: the user exposes them.
    for entity_id in (FRONT, BACK):
        async_expose_entity(hass, conversation.DOMAIN, entity_id, True)

    response = await say(hass, "lock the front door")
    assert response.response_type is intent.IntentResponseType.ACTION_DONE
    assert hass.states.get(FRONT).state == LockState.LOCKED

    response = await say(hass, "unlock the back door")
    assert response.response_type is intent.IntentResponseType.ACTION_DONE
    assert hass.states.get(BACK).state == LockState.UNLOCKED

    response = await say(hass, "is the front door locked")
    assert response.speech["plain"]["speech"].lower().startswith("yes")
    response = await say(hass, "is the back door locked")
    assert response.speech["plain"]["speech"].lower().startswith("no")


async def test_scene_holding_the_lock_as_locked_locks_it(
    hass: HomeAssistant, loaded: MockConfigEntry, front_door: SimDevice
) -> None:
    assert await async_setup_component(
        hass, "scene", {"scene": [{"name": "Night", "entities": {FRONT: "locked"}}]}
    )
    await hass.async_block_till_done()
    await hass.services.async_call("scene", "turn_on", {"entity_id": "scene.night"}, blocking=True)
    assert hass.states.get(FRONT).state == LockState.LOCKED
    assert front_door.locked is True


async def test_automation_runs_when_a_seam_lock_changes(
    hass: HomeAssistant, loaded: MockConfigEntry
) -> None:
    events = []
    hass.bus.async_listen("front_door_locked", events.append)
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "triggers": [{"trigger": "state", "entity_id": FRONT, "to": "locked"}],
                "actions": [{"event": "front_door_locked"}],
            }
        },
    )
    await hass.services.async_call("lock", "lock", {"entity_id": FRONT}, blocking=True)
    await hass.async_block_till_done()
    assert len(events) == 1


async def test_automation_calling_lock_gets_the_translated_error(
    hass: HomeAssistant,
    loaded: MockConfigEntry,
    front_door: SimDevice,
    caplog: pytest.LogCaptureFixture,
) -> None:
    front_door.outcome = Outcome(status="error", error_type="lock_jammed", error_message="Jammed")
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "id": "lock_at_night",
                "triggers": [{"trigger": "event", "event_type": "bedtime"}],
                "actions": [{"action": "lock.lock", "target": {"entity_id": FRONT}}],
            }
        },
    )
    hass.bus.async_fire("bedtime")
    await hass.async_block_till_done()
    assert "Seam could not lock Front Door: Jammed (error type: lock_jammed" in caplog.text
    assert hass.states.get(FRONT).state == LockState.UNLOCKED
