"""States applied in order: late, duplicated and replayed deliveries, and reads that answer late.

Seam retries a failed delivery after 5 s, 5 min, 30 min, ...: an old event can arrive after a
newer one. What a lock shows follows when things happened, never when they arrived.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
import itertools
import json
import time
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.seam.api import ActionAttempt, ActionAttemptStatus, sign_webhook
from custom_components.seam.const import CONF_WEBHOOK_SECRET
from custom_components.seam.data import PushStatus
from custom_components.seam.events import EVENTS, WEBHOOK_EVENT_TYPES, Handling
from custom_components.seam.outcomes import AttemptOutcomes
from homeassistant.components.lock import LockState
from homeassistant.const import CONF_WEBHOOK_ID, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from tests.conftest import Post
from tests.simulator import Fault, SeamSimulator, SimDevice

FRONT = "lock.front_door"
ACTIVITY = "event.front_door_activity"
_numbers = itertools.count(1)


@pytest.fixture
def front_door(simulator: SeamSimulator) -> SimDevice:
    return simulator.add_lock("Front Door", device_id="front_door_id", locked=False)


def seam_time(at: datetime) -> str:
    return at.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def event(event_type: str, occurred_at: datetime, **fields: Any) -> dict[str, Any]:
    return {
        "event_id": f"evt_{next(_numbers)}",
        "event_type": event_type,
        "device_id": "front_door_id",
        "occurred_at": seam_time(occurred_at),
        "created_at": seam_time(occurred_at),
        **fields,
    }


async def deliver(
    hass: HomeAssistant, entry: MockConfigEntry, post: Post, payload: dict[str, Any]
) -> int:
    """Deliver one event as Seam does: signed, with its own delivery id."""
    body = json.dumps(payload).encode()
    message_id, timestamp = f"msg_{next(_numbers)}", int(time.time())
    headers = {
        "svix-id": message_id,
        "svix-timestamp": str(timestamp),
        "svix-signature": sign_webhook(
            entry.data[CONF_WEBHOOK_SECRET], message_id, timestamp, body
        ),
    }
    response = await post(f"/api/webhook/{entry.data[CONF_WEBHOOK_ID]}", data=body, headers=headers)
    await hass.async_block_till_done()
    return response.status


def shown_locked(entry: MockConfigEntry) -> bool | None:
    return entry.runtime_data.locks.by_id["front_door_id"].state.device.locked


async def test_a_late_delivery_of_an_older_event_does_not_roll_the_lock_back(
    hass: HomeAssistant, pushed: MockConfigEntry, reachable: Post
) -> None:
    """Events happen after the setup's read here; one older than that read is older still."""
    now = datetime.now(UTC)  # after the read of the setup
    unlocked_first = event("lock.unlocked", now + timedelta(seconds=1), method="keycode")
    locked_then = event("lock.locked", now + timedelta(seconds=2), method="manual")
    assert await deliver(hass, pushed, reachable, locked_then) == 200
    assert hass.states.get(FRONT).state == LockState.LOCKED
    # Seam's retry of the delivery that failed before arrives only now.
    assert await deliver(hass, pushed, reachable, unlocked_first) == 200
    assert hass.states.get(FRONT).state == LockState.LOCKED
    # It still happened: the activity tells it, the lock state does not go back.
    assert hass.states.get(ACTIVITY).attributes["event_type"] == "unlocked"


async def test_the_newer_event_wins_whatever_order_they_arrive_in(
    hass: HomeAssistant, pushed: MockConfigEntry, reachable: Post
) -> None:
    now = datetime.now(UTC)
    events = [
        event("lock.locked", now + timedelta(seconds=1)),
        event("lock.unlocked", now + timedelta(seconds=2)),
        event("lock.locked", now + timedelta(seconds=3)),
    ]
    for order in ([2, 0, 1], [1, 2, 0], [0, 1, 2]):
        for index in order:
            await deliver(
                hass, pushed, reachable, {**events[index], "event_id": f"evt_{next(_numbers)}"}
            )
        assert hass.states.get(FRONT).state == LockState.LOCKED, order


async def test_duplicated_and_replayed_deliveries_change_nothing(
    hass: HomeAssistant, pushed: MockConfigEntry, reachable: Post
) -> None:
    now = datetime.now(UTC)
    unlocked = event("lock.unlocked", now + timedelta(seconds=1), method="keycode")
    locked = event("lock.locked", now + timedelta(seconds=2), method="manual")
    await deliver(hass, pushed, reachable, unlocked)
    await deliver(hass, pushed, reachable, locked)
    activity = hass.states.get(ACTIVITY)
    # The same event again (Seam's retry, a replay by someone who captured it): ignored.
    for again in (unlocked, locked, unlocked):
        assert await deliver(hass, pushed, reachable, again) == 200
    assert hass.states.get(FRONT).state == LockState.LOCKED
    assert hass.states.get(ACTIVITY) == activity
    assert pushed.runtime_data.push.deliveries == 2


async def test_a_device_list_read_in_flight_when_an_event_arrives_does_not_undo_it(
    hass: HomeAssistant,
    pushed: MockConfigEntry,
    simulator: SeamSimulator,
    front_door: SimDevice,
) -> None:
    """The read was sent before the lock moved and answers after the event: the event stands."""
    simulator.inject("/devices/list", Fault(delay_after=0.5))
    refresh = hass.async_create_task(pushed.runtime_data.coordinator.async_refresh())
    await asyncio.sleep(0.1)  # Seam has read "unlocked"; its answer is on the way
    front_door.locked = True
    simulator.emit("lock.locked", device_id="front_door_id", method="manual")
    await simulator.webhooks.settle()
    await hass.async_block_till_done()
    assert hass.states.get(FRONT).state == LockState.LOCKED
    await refresh
    await hass.async_block_till_done()
    assert hass.states.get(FRONT).state == LockState.LOCKED
    # A read sent after the event is newer: it is what shows (here: the same).
    await pushed.runtime_data.coordinator.async_refresh()
    assert shown_locked(pushed) is True


async def test_a_read_sent_after_an_event_shows_what_seam_reports_then(
    hass: HomeAssistant, pushed: MockConfigEntry, reachable: Post, front_door: SimDevice
) -> None:
    await deliver(hass, pushed, reachable, event("lock.locked", datetime.now(UTC)))
    assert hass.states.get(FRONT).state == LockState.LOCKED
    # Someone unlocked by hand and the event was lost: the next read tells it.
    front_door.locked = False
    await pushed.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    assert hass.states.get(FRONT).state == LockState.UNLOCKED


async def test_an_old_disconnect_does_not_make_a_lock_unavailable_again(
    hass: HomeAssistant, pushed: MockConfigEntry, reachable: Post
) -> None:
    now = datetime.now(UTC)
    await deliver(hass, pushed, reachable, event("device.connected", now + timedelta(seconds=2)))
    await deliver(hass, pushed, reachable, event("device.disconnected", now + timedelta(seconds=1)))
    assert hass.states.get(FRONT).state == LockState.UNLOCKED
    await deliver(hass, pushed, reachable, event("device.disconnected", now + timedelta(seconds=3)))
    assert hass.states.get(FRONT).state == STATE_UNAVAILABLE


# --- One table of events ------------------------------------------------------------------------


async def test_the_webhook_asks_seam_for_exactly_the_events_that_are_handled(
    hass: HomeAssistant, pushed: MockConfigEntry, simulator: SeamSimulator
) -> None:
    [webhook] = simulator.webhooks.by_id.values()
    assert tuple(webhook["event_types"]) == WEBHOOK_EVENT_TYPES
    assert set(EVENTS.values()) == set(Handling)


@pytest.mark.parametrize("event_type", WEBHOOK_EVENT_TYPES)
async def test_every_subscribed_event_changes_what_the_user_sees(
    hass: HomeAssistant,
    pushed: MockConfigEntry,
    reachable: Post,
    simulator: SeamSimulator,
    event_type: str,
) -> None:
    """No event Home Assistant asks Seam for is then dropped: each one shows somewhere."""
    handling = EVENTS[event_type]
    now = datetime.now(UTC)
    fields: dict[str, Any] = {
        "method": "keycode",
        "battery_level": 0.07,
        "action_type": "LOCK_DOOR",
    }
    if handling is Handling.ATTEMPT_OUTCOME:
        fields["action_attempt_id"] = "attempt_for_no_command"
    if handling is Handling.DEVICE_LIST:
        simulator.add_lock("Garage", device_id="garage_id", locked=True)
    simulator.reset_requests()
    activity_before = hass.states.get(ACTIVITY)
    if event_type == "device.connected":
        await deliver(hass, pushed, reachable, event("device.disconnected", now))
        assert hass.states.get(FRONT).state == STATE_UNAVAILABLE

    later = now + timedelta(seconds=1)
    assert await deliver(hass, pushed, reachable, event(event_type, later, **fields)) == 200
    await hass.async_block_till_done(wait_background_tasks=True)

    match handling:
        case Handling.LOCK_STATE:
            expected = LockState.LOCKED if event_type == "lock.locked" else LockState.UNLOCKED
            assert hass.states.get(FRONT).state == expected
            assert hass.states.get(ACTIVITY) != activity_before
        case Handling.ACCESS_DENIED:
            assert hass.states.get(ACTIVITY).attributes["event_type"] == "access_denied"
        case Handling.CONNECTIVITY:
            expected = LockState.UNLOCKED if event_type == "device.connected" else STATE_UNAVAILABLE
            assert hass.states.get(FRONT).state == expected
        case Handling.BATTERY:
            assert hass.states.get("sensor.front_door_battery").state == "7"
        case Handling.ATTEMPT_OUTCOME:
            # Kept for the command that started it (it may not have its answer from Seam yet).
            waiting = pushed.runtime_data.locks.outcomes.expect("attempt_for_no_command")
            assert waiting is not None
            assert waiting.done()
            assert waiting.result().status.value == (
                "success" if "succeeded" in event_type else "error"
            )
            # The same outcome told again (a second delivery) changes nothing.
            again = event(event_type, later, **fields)
            assert await deliver(hass, pushed, reachable, again) == 200
            assert waiting.result().status.value == (
                "success" if "succeeded" in event_type else "error"
            )
        case Handling.DEVICE_LIST:
            assert simulator.request_count("/devices/list") == 1
            assert hass.states.get("lock.garage").state == LockState.LOCKED


async def test_outcomes_nobody_claims_are_kept_only_briefly() -> None:
    """Outcomes for attempts no command of this entry started do not pile up in memory."""
    push = PushStatus(url="https://example.invalid/hook")
    outcomes = AttemptOutcomes(push)
    for number in range(1000):
        outcomes.resolve(
            ActionAttempt(f"attempt_{number}", "LOCK_DOOR", ActionAttemptStatus.SUCCESS)
        )
    assert len(outcomes._early) == 256
    assert outcomes.expect("attempt_999").done()
    assert not outcomes.expect("attempt_0").done()
    outcomes.forget("attempt_0")
    assert "attempt_0" not in outcomes._waiters
