"""`changed_by`: who or what last moved a lock, as Home Assistant's lock integrations show it.

From Seam's `lock.locked` / `lock.unlocked` events (the access code's name, keypad, manual,
automatic, Seam API), "Home Assistant" for this Home Assistant's own commands, and restored
after a restart while the lock is as it was.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta
import json
import time
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, mock_restore_cache

from custom_components.seam.api import Device, sign_webhook
from custom_components.seam.const import CONF_WEBHOOK_SECRET
from custom_components.seam.lock_state import LockState as LockStateModel
from homeassistant.components.lock import DOMAIN as LOCK_DOMAIN, LockState
from homeassistant.const import ATTR_ENTITY_ID, CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant, State
from tests.conftest import Post, advance, setup_integration, wait_for_state
from tests.simulator import Fault, SeamSimulator, SimDevice

FRONT = "lock.front_door"


@pytest.fixture
async def front_door(simulator: SeamSimulator) -> SimDevice:
    return simulator.add_lock("Front Door", device_id="front_door_id", locked=True)


def changed_by(hass: HomeAssistant) -> Any:
    state = hass.states.get(FRONT)
    assert state is not None
    return state.attributes.get("changed_by")


async def settle(hass: HomeAssistant, simulator: SeamSimulator) -> None:
    await simulator.webhooks.settle()
    await hass.async_block_till_done(wait_background_tasks=True)


async def deliver(hass: HomeAssistant, entry: MockConfigEntry, post: Post, event: Any) -> None:
    """Deliver one signed event, as Seam does (also late: its own `occurred_at`)."""
    body = json.dumps(event).encode()
    now = int(time.time())
    message_id = event["event_id"]
    signature = sign_webhook(entry.data[CONF_WEBHOOK_SECRET], message_id, now, body)
    headers = {"svix-id": message_id, "svix-timestamp": str(now), "svix-signature": signature}
    response = await post(f"/api/webhook/{entry.data[CONF_WEBHOOK_ID]}", data=body, headers=headers)
    assert response.status == 200
    await hass.async_block_till_done()


def lock_event(event_id: str, event_type: str, at: datetime, **fields: Any) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "event_type": event_type,
        "device_id": "front_door_id",
        "occurred_at": at.isoformat(),
        **fields,
    }


async def test_a_guests_code_is_who_unlocked_the_door(
    hass: HomeAssistant, pushed: MockConfigEntry, simulator: SeamSimulator, front_door: SimDevice
) -> None:
    created = simulator.access_codes.create(
        {"device_id": "front_door_id", "name": "Guest Anna", "code": "4829"}
    )
    front_door.locked = False
    simulator.emit(
        "lock.unlocked",
        device_id="front_door_id",
        method="keycode",
        access_code_id=created["access_code"]["access_code_id"],
    )
    await settle(hass, simulator)
    assert hass.states.get(FRONT).state == LockState.UNLOCKED
    assert changed_by(hass) == "Guest Anna"
    assert "4829" not in str(hass.states.get(FRONT).attributes)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"method": "keycode"}, "keypad"),
        ({"method": "manual"}, "manual"),
        ({"method": "automatic"}, "automatic"),
        ({"method": "seamapi", "action_attempt_id": "someone_elses"}, "Seam API"),
        # Seam cannot say who: nobody is named (Home Assistant's convention), not "unknown".
        ({"method": "unknown"}, None),
        ({}, None),  # Seam's fake sends no method at all
    ],
)
async def test_how_the_lock_was_moved(
    hass: HomeAssistant,
    pushed: MockConfigEntry,
    simulator: SeamSimulator,
    front_door: SimDevice,
    fields: dict[str, str],
    expected: str | None,
) -> None:
    before = "automatic" if expected == "manual" else "manual"
    simulator.emit("lock.locked", device_id="front_door_id", method=before)
    await settle(hass, simulator)
    assert changed_by(hass) == before
    front_door.locked = False
    simulator.emit("lock.unlocked", device_id="front_door_id", **fields)
    await settle(hass, simulator)
    assert hass.states.get(FRONT).state == LockState.UNLOCKED
    assert changed_by(hass) == expected


async def test_our_own_command_is_home_assistant_by_poll_and_by_push(
    hass: HomeAssistant,
    pushed: MockConfigEntry,
    simulator: SeamSimulator,
    front_door: SimDevice,
    reachable: Post,
) -> None:
    """Seam's event for our command (method `seamapi`) names Home Assistant too, even later."""
    front_door.actuation_delay = 0.2
    await hass.services.async_call(LOCK_DOMAIN, "unlock", {ATTR_ENTITY_ID: FRONT}, blocking=True)
    await settle(hass, simulator)
    [unlocked] = [e for e, _ in simulator.webhooks.delivered if e["event_type"] == "lock.unlocked"]
    assert unlocked["method"] == "seamapi"
    assert hass.states.get(FRONT).state == LockState.UNLOCKED
    assert changed_by(hass) == "Home Assistant"
    # Seam's event of it, dated after Home Assistant had its answer (clocks differ a little).
    later = lock_event(
        "e_late",
        "lock.unlocked",
        datetime.now(UTC) + timedelta(seconds=5),
        method="seamapi",
        action_attempt_id=unlocked["action_attempt_id"],
    )
    await deliver(hass, pushed, reachable, later)
    assert changed_by(hass) == "Home Assistant"


async def test_polled_commands_and_changes_by_hand(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    config_entry: MockConfigEntry,
    front_door: SimDevice,
) -> None:
    await setup_integration(hass, config_entry)
    assert changed_by(hass) is None  # nobody known yet
    await hass.services.async_call(LOCK_DOMAIN, "unlock", {ATTR_ENTITY_ID: FRONT}, blocking=True)
    assert changed_by(hass) == "Home Assistant"
    await advance(hass, 31)  # a read that agrees changes nothing
    assert changed_by(hass) == "Home Assistant"
    front_door.locked = True  # turned by hand; a read cannot say by whom
    await advance(hass, 31)
    assert hass.states.get(FRONT).state == LockState.LOCKED
    assert changed_by(hass) is None


async def test_a_late_event_does_not_rename_who_moved_the_lock(
    hass: HomeAssistant, pushed: MockConfigEntry, reachable: Post
) -> None:
    now = datetime.now(UTC)
    await deliver(
        hass,
        pushed,
        reachable,
        lock_event("e2", "lock.unlocked", now + timedelta(seconds=2), method="manual"),
    )
    assert changed_by(hass) == "manual"
    # Seam retries an older delivery minutes later: the keypad lock before the manual unlock.
    await deliver(hass, pushed, reachable, lock_event("e1", "lock.locked", now, method="keycode"))
    assert hass.states.get(FRONT).state == LockState.UNLOCKED
    assert changed_by(hass) == "manual"
    # Nor does another late event, of the other state.
    await deliver(
        hass,
        pushed,
        reachable,
        lock_event("e3", "lock.locked", now + timedelta(seconds=1), method="keycode"),
    )
    assert hass.states.get(FRONT).state == LockState.UNLOCKED
    assert changed_by(hass) == "manual"


@pytest.mark.parametrize(
    ("seam_says_locked", "restored"), [(True, "Guest Anna"), (False, None)], ids=["same", "moved"]
)
async def test_restored_after_a_restart_while_the_lock_is_as_it_was(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    config_entry: MockConfigEntry,
    front_door: SimDevice,
    seam_says_locked: bool,
    restored: str | None,
) -> None:
    mock_restore_cache(hass, [State(FRONT, LockState.LOCKED, {"changed_by": "Guest Anna"})])
    front_door.locked = seam_says_locked
    await setup_integration(hass, config_entry)
    assert changed_by(hass) == restored


async def test_a_late_event_names_the_move_a_read_showed_first(
    hass: HomeAssistant,
    pushed: MockConfigEntry,
    simulator: SeamSimulator,
    front_door: SimDevice,
    reachable: Post,
) -> None:
    """Seam's delivery failed once (it retries after 5 s); a read showed the unlock meanwhile."""
    simulator.webhooks.enabled = False
    front_door.locked = False
    simulator.emit("lock.unlocked", device_id="front_door_id", method="manual")
    await pushed.runtime_data.coordinator.async_refresh()
    assert hass.states.get(FRONT).state == LockState.UNLOCKED
    assert changed_by(hass) is None

    [late] = simulator.webhooks.held
    await deliver(hass, pushed, reachable, late)
    assert hass.states.get(FRONT).state == LockState.UNLOCKED
    assert changed_by(hass) == "manual"
    # An event from before the last state shown before that read names nothing.
    earlier = datetime.fromisoformat(late["occurred_at"]) - timedelta(minutes=5)
    await deliver(
        hass, pushed, reachable, lock_event("e0", "lock.unlocked", earlier, method="automatic")
    )
    assert changed_by(hass) == "manual"


async def test_the_state_shows_before_seam_names_the_code_and_a_cancelled_delivery_is_taken_again(
    hass: HomeAssistant,
    pushed: MockConfigEntry,
    simulator: SeamSimulator,
    front_door: SimDevice,
    reachable: Post,
) -> None:
    created = simulator.access_codes.create(
        {"device_id": "front_door_id", "name": "Guest Anna", "code": "4829"}
    )
    code_id = created["access_code"]["access_code_id"]
    event = lock_event(
        "e_keypad",
        "lock.unlocked",
        datetime.now(UTC),
        method="keycode",
        access_code_id=code_id,
    )
    # Naming the code takes a request to Seam, slow this time; Seam gives up on the delivery.
    simulator.inject("/access_codes/list", Fault(delay=5))
    delivery = hass.async_create_task(deliver(hass, pushed, reachable, event))
    await wait_for_state(hass, FRONT, LockState.UNLOCKED)
    assert changed_by(hass) == "keypad"
    delivery.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await delivery
    # Home Assistant's server cancels its handler once it sees the connection close.
    receiver = pushed.runtime_data.webhooks
    for _ in range(500):
        if "e_keypad" not in receiver.seen:  # the cancellation has landed
            break
        await asyncio.sleep(0.01)

    # Seam delivers it again: it is taken (not dropped as a replay), and names the code.
    await deliver(hass, pushed, reachable, event)
    assert changed_by(hass) == "Guest Anna"
    activity = hass.states.get("event.front_door_activity")
    assert activity is not None
    assert activity.attributes["access_code_name"] == "Guest Anna"


async def test_a_keypad_move_newer_than_our_command_is_not_overwritten_by_it(
    hass: HomeAssistant,
    pushed: MockConfigEntry,
    front_door: SimDevice,
    reachable: Post,
) -> None:
    front_door.actuation_delay = 0.5
    command = hass.async_create_task(
        hass.services.async_call(LOCK_DOMAIN, "unlock", {ATTR_ENTITY_ID: FRONT}, blocking=True)
    )
    await asyncio.sleep(0.1)
    # Someone locks it at the keypad right after Seam unlocked it; Seam's answer comes later.
    keypad = lock_event(
        "e_after", "lock.locked", datetime.now(UTC) + timedelta(seconds=2), method="keycode"
    )
    await deliver(hass, pushed, reachable, keypad)
    await command
    await hass.async_block_till_done()
    assert hass.states.get(FRONT).state == LockState.LOCKED
    assert changed_by(hass) == "keypad"


def test_a_name_known_before_the_restore_is_kept() -> None:
    device = Device(device_id="d", device_type="august_lock", display_name="D", locked=True)
    state = LockStateModel(device, datetime.now(UTC))
    state.async_apply_moved(datetime.now(UTC), True, "manual")
    state.async_restore_changed_by("Guest Anna", True)
    assert state.changed_by == "manual"
    fresh = LockStateModel(device, datetime.now(UTC))
    fresh.async_restore_changed_by("Guest Anna", False)  # it has moved since
    assert fresh.changed_by is None
    fresh.async_restore_changed_by("Guest Anna", True)
    assert fresh.changed_by == "Guest Anna"
