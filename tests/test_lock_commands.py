"""Commands that callers cancel, repeat or outrun, and entries that go while a command runs.

All through the real Home Assistant and the simulator over HTTP.
"""

from __future__ import annotations

import asyncio

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.seam import failures, locks
from custom_components.seam.api import SeamClient
from homeassistant.components.lock import DOMAIN as LOCK_DOMAIN, LockState
from homeassistant.components.persistent_notification import (
    _async_get_or_create_notifications as notifications,
)
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_ENTITY_ID, EVENT_HOMEASSISTANT_STOP
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.setup import async_setup_component
from tests.conftest import record_states, setup_integration, wait_for_state
from tests.simulator import Fault, Outcome, SeamSimulator, SimDevice

FRONT = "lock.front_door"
LOCK = "/locks/lock_door"
UNLOCK = "/locks/unlock_door"


@pytest.fixture
def front_door(simulator: SeamSimulator) -> SimDevice:
    return simulator.add_lock("Front Door", device_id="front_door_id", locked=True)


@pytest.fixture
async def loaded(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    config_entry: MockConfigEntry,
    front_door: SimDevice,
) -> MockConfigEntry:
    await setup_integration(hass, config_entry)
    simulator.reset_requests()
    return config_entry


async def call(hass: HomeAssistant, service: str) -> None:
    await hass.services.async_call(LOCK_DOMAIN, service, {ATTR_ENTITY_ID: FRONT}, blocking=True)


def start(hass: HomeAssistant, service: str) -> asyncio.Task[None]:
    return hass.async_create_task(call(hass, service))


def our_notification(hass: HomeAssistant) -> str | None:
    note = notifications(hass).get(failures.notification_id("front_door_id"))
    return None if note is None else str(note["message"])


# --- Cancelled callers ---------------------------------------------------------------------------


async def test_a_cancelled_unlock_is_still_tracked_and_later_commands_work(
    hass: HomeAssistant, loaded: MockConfigEntry, simulator: SeamSimulator, front_door: SimDevice
) -> None:
    """The caller goes; Seam's command does not: the lock shows its outcome, then works on."""
    front_door.actuation_delay = 0.4
    task = start(hass, "unlock")
    await wait_for_state(hass, FRONT, LockState.UNLOCKING)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert hass.states.get(FRONT).state == LockState.UNLOCKING

    # Nobody waits any more, yet the outcome shows: not stuck at "unlocking".
    await wait_for_state(hass, FRONT, LockState.UNLOCKED)
    assert front_door.locked is False

    # The same action again is sent and confirmed (it does not join the abandoned one).
    async with asyncio.timeout(5):
        await call(hass, "unlock")
    assert simulator.request_count(UNLOCK) == 2
    # And the other action too.
    await call(hass, "lock")
    assert hass.states.get(FRONT).state == LockState.LOCKED
    assert front_door.locked is True
    assert our_notification(hass) is None


async def test_a_cancelled_caller_does_not_take_a_joined_callers_outcome(
    hass: HomeAssistant, loaded: MockConfigEntry, simulator: SeamSimulator, front_door: SimDevice
) -> None:
    front_door.actuation_delay = 0.4
    first = start(hass, "unlock")
    await wait_for_state(hass, FRONT, LockState.UNLOCKING)
    second = start(hass, "unlock")
    await asyncio.sleep(0.05)
    first.cancel()
    async with asyncio.timeout(5):
        await second  # gets the outcome of the command the first caller started
    assert hass.states.get(FRONT).state == LockState.UNLOCKED
    assert simulator.request_count(UNLOCK) == 1


async def test_a_failure_after_the_caller_left_still_reaches_the_user(
    hass: HomeAssistant, loaded: MockConfigEntry, front_door: SimDevice
) -> None:
    front_door.actuation_delay = 0.3
    front_door.outcome = Outcome(status="error", error_type="lock_jammed", error_message="Jammed")
    task = start(hass, "unlock")
    await wait_for_state(hass, FRONT, LockState.UNLOCKING)
    task.cancel()
    await wait_for_state(hass, FRONT, LockState.LOCKED)
    await hass.async_block_till_done()
    message = our_notification(hass)
    assert message is not None
    assert "Jammed" in message


AUTOMATION = {
    "alias": "Unlock on arrival",
    "mode": "restart",
    "triggers": [{"trigger": "event", "event_type": "arrived"}],
    "actions": [{"action": "lock.unlock", "target": {"entity_id": FRONT}}],
}


async def test_an_automation_in_restart_mode_retriggered_mid_unlock(
    hass: HomeAssistant, loaded: MockConfigEntry, simulator: SeamSimulator, front_door: SimDevice
) -> None:
    """Re-triggering cancels the first run; the second joins the unlock already under way."""
    assert await async_setup_component(hass, "automation", {"automation": [AUTOMATION]})
    front_door.actuation_delay = 0.5
    states = record_states(hass, FRONT)
    hass.bus.async_fire("arrived")
    await wait_for_state(hass, FRONT, LockState.UNLOCKING)
    hass.bus.async_fire("arrived")  # restarts the run that is waiting for Seam
    await wait_for_state(hass, FRONT, LockState.UNLOCKED)
    await hass.async_block_till_done()
    assert states == [LockState.UNLOCKING, LockState.UNLOCKED]
    assert simulator.request_count(UNLOCK) == 1

    # The lock is not stuck: a lock command right after runs normally.
    await call(hass, "lock")
    assert hass.states.get(FRONT).state == LockState.LOCKED


# --- The last command wins -----------------------------------------------------------------------


async def test_lock_unlock_lock_ends_locked_and_the_unlock_is_never_sent(
    hass: HomeAssistant, loaded: MockConfigEntry, simulator: SeamSimulator, front_door: SimDevice
) -> None:
    front_door.locked = False
    await hass.config_entries.async_reload(loaded.entry_id)
    await hass.async_block_till_done()
    simulator.reset_requests()
    front_door.actuation_delay = 0.4
    first = start(hass, "lock")
    await wait_for_state(hass, FRONT, LockState.LOCKING)
    second = start(hass, "unlock")
    await asyncio.sleep(0.05)
    third = start(hass, "lock")
    results = await asyncio.gather(first, second, third, return_exceptions=True)

    assert results[0] is None
    assert results[2] is None
    assert isinstance(results[1], HomeAssistantError)
    assert results[1].translation_key == "unlock_superseded"
    assert "asked to lock" in str(results[1])
    assert hass.states.get(FRONT).state == LockState.LOCKED
    assert front_door.locked is True
    assert (simulator.request_count(LOCK), simulator.request_count(UNLOCK)) == (1, 0)
    # Being replaced is not a failure of the lock: no notification.
    assert our_notification(hass) is None


async def test_a_different_command_waits_for_the_running_one_then_runs(
    hass: HomeAssistant, loaded: MockConfigEntry, simulator: SeamSimulator, front_door: SimDevice
) -> None:
    front_door.actuation_delay = 0.3
    states = record_states(hass, FRONT)
    unlock = start(hass, "unlock")
    await wait_for_state(hass, FRONT, LockState.UNLOCKING)
    lock = start(hass, "lock")
    await asyncio.gather(unlock, lock)
    assert states == [
        LockState.UNLOCKING,
        LockState.UNLOCKED,
        LockState.LOCKING,
        LockState.LOCKED,
    ]
    assert (simulator.request_count(UNLOCK), simulator.request_count(LOCK)) == (1, 1)


# --- Seam sent it, the lock did not confirm ------------------------------------------------------


async def test_a_command_the_lock_did_not_confirm_shows_what_the_lock_reports(
    hass: HomeAssistant, loaded: MockConfigEntry, simulator: SeamSimulator, front_door: SimDevice
) -> None:
    front_door.outcome = Outcome(was_confirmed_by_device=False)
    states = record_states(hass, FRONT)
    with pytest.raises(HomeAssistantError, match="did not confirm") as caught:
        await call(hass, "unlock")
    assert caught.value.translation_key == "unlock_unconfirmed"
    # Not the state asked for: the lock still reports locked, and that is what shows.
    assert states == [LockState.UNLOCKING, LockState.LOCKED]
    assert simulator.request_count("/devices/get") == 1
    message = our_notification(hass)
    assert message is not None
    assert "did not confirm that it unlocked" in message
    title = notifications(hass)[failures.notification_id("front_door_id")]["title"]
    assert title == "Front Door: unlock failed"

    # The lock did move after all (the next read says so): that shows, never the guess.
    front_door.outcome = Outcome()
    await call(hass, "unlock")
    assert hass.states.get(FRONT).state == LockState.UNLOCKED
    assert our_notification(hass) is None


# --- The entry goes while a command runs ---------------------------------------------------------


async def test_unloading_stops_a_pending_command_without_requests_or_notifications(
    hass: HomeAssistant, loaded: MockConfigEntry, simulator: SeamSimulator, front_door: SimDevice
) -> None:
    front_door.outcome = Outcome(status="never")
    task = start(hass, "unlock")
    await wait_for_state(hass, FRONT, LockState.UNLOCKING)
    await asyncio.sleep(0.5)  # a few polls have gone out

    assert await hass.config_entries.async_unload(loaded.entry_id)
    assert loaded.state is ConfigEntryState.NOT_LOADED
    with pytest.raises(HomeAssistantError) as caught:
        await task
    assert caught.value.translation_key == "command_stopped"

    after_unload = simulator.request_count("/action_attempts/get")
    await asyncio.sleep(1.5)  # the schedule would have polled several more times
    await hass.async_block_till_done(wait_background_tasks=True)
    assert simulator.request_count("/action_attempts/get") == after_unload
    assert simulator.request_count("/devices/list") == 0
    assert our_notification(hass) is None


async def test_stopping_home_assistant_does_not_wait_for_a_pending_command(
    hass: HomeAssistant,
    loaded: MockConfigEntry,
    simulator: SeamSimulator,
    front_door: SimDevice,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The command would wait an hour for Seam: a stop that waited for it would never end here.
    monkeypatch.setattr(locks, "ACTION_ATTEMPT_TIMEOUT", 3600.0)
    front_door.outcome = Outcome(status="never")
    # A caller Home Assistant does not track (it would cancel its own tasks at the end).
    task = asyncio.get_running_loop().create_task(call(hass, "lock"))
    await wait_for_state(hass, FRONT, LockState.LOCKING)

    async with asyncio.timeout(60):
        await hass.async_stop(force=True)

    with pytest.raises(HomeAssistantError) as caught:
        await task
    assert caught.value.translation_key == "command_stopped"
    polls = simulator.request_count("/action_attempts/get")
    await asyncio.sleep(1.0)
    assert simulator.request_count("/action_attempts/get") == polls
    assert our_notification(hass) is None


async def test_callers_of_the_waiting_command_share_it(
    hass: HomeAssistant, loaded: MockConfigEntry, simulator: SeamSimulator, front_door: SimDevice
) -> None:
    """Unlock during a lock, twice: one unlock is sent, after the lock, for both callers."""
    front_door.locked = False
    front_door.actuation_delay = 0.3
    lock = start(hass, "lock")
    await wait_for_state(hass, FRONT, LockState.LOCKING)
    unlocks = [start(hass, "unlock"), start(hass, "unlock")]
    await asyncio.gather(lock, *unlocks)
    assert hass.states.get(FRONT).state == LockState.UNLOCKED
    assert (simulator.request_count(LOCK), simulator.request_count(UNLOCK)) == (1, 1)


async def test_a_command_given_while_home_assistant_stops_is_refused(
    hass: HomeAssistant, loaded: MockConfigEntry, simulator: SeamSimulator
) -> None:
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STOP)
    await hass.async_block_till_done()
    with pytest.raises(HomeAssistantError) as caught:
        await call(hass, "unlock")
    assert caught.value.translation_key == "command_stopped"
    assert "is stopping" in str(caught.value)
    assert simulator.request_count(UNLOCK) == 0


async def test_an_unconfirmed_command_never_shows_the_guess_even_when_the_read_fails(
    hass: HomeAssistant, loaded: MockConfigEntry, simulator: SeamSimulator, front_door: SimDevice
) -> None:
    front_door.outcome = Outcome(was_confirmed_by_device=False)
    simulator.inject("/devices/get", *[Fault(status=503, body=b"")] * 4)
    with pytest.raises(HomeAssistantError, match="did not confirm"):
        await call(hass, "unlock")
    assert hass.states.get(FRONT).state == LockState.LOCKED
    assert our_notification(hass) is not None


async def test_a_lock_seam_stops_listing_ends_its_pending_command(
    hass: HomeAssistant, loaded: MockConfigEntry, simulator: SeamSimulator, front_door: SimDevice
) -> None:
    front_door.outcome = Outcome(status="never")
    task = start(hass, "unlock")
    await wait_for_state(hass, FRONT, LockState.UNLOCKING)
    await asyncio.sleep(0.5)  # Seam has the command; Home Assistant polls its attempt
    assert simulator.request_count(UNLOCK) == 1
    simulator.remove_device("front_door_id")
    await loaded.runtime_data.coordinator.async_refresh()
    with pytest.raises(HomeAssistantError) as caught:
        async with asyncio.timeout(5):
            await task
    assert caught.value.translation_key == "command_stopped"
    assert "no longer lists the lock" in str(caught.value)
    polls = simulator.request_count("/action_attempts/get")
    await asyncio.sleep(1.0)
    assert simulator.request_count("/action_attempts/get") == polls
    assert our_notification(hass) is None


async def test_a_lock_that_appears_while_home_assistant_stops_takes_no_command(
    hass: HomeAssistant, loaded: MockConfigEntry, simulator: SeamSimulator
) -> None:
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STOP)
    await hass.async_block_till_done()
    simulator.add_lock("Garage", device_id="garage_id", locked=True)
    await loaded.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    with pytest.raises(HomeAssistantError) as caught:
        await hass.services.async_call(
            LOCK_DOMAIN, "unlock", {ATTR_ENTITY_ID: "lock.garage"}, blocking=True
        )
    assert caught.value.translation_key == "command_stopped"
    assert simulator.request_count(UNLOCK) == 0


async def test_an_unexpected_error_never_leaves_the_lock_locking(
    hass: HomeAssistant,
    loaded: MockConfigEntry,
    simulator: SeamSimulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A bug of ours (not a Seam error) still ends the command, and the lock works on."""

    async def broken(self: SeamClient, device_id: str) -> None:
        raise RuntimeError("a bug")

    with monkeypatch.context() as patched:
        patched.setattr(SeamClient, "unlock_door", broken)
        with pytest.raises(RuntimeError, match="a bug"):
            await call(hass, "unlock")
    assert hass.states.get(FRONT).state == LockState.LOCKED
    await call(hass, "unlock")
    assert hass.states.get(FRONT).state == LockState.UNLOCKED


async def test_a_read_older_than_the_last_one_changes_nothing(
    hass: HomeAssistant, loaded: MockConfigEntry, simulator: SeamSimulator, front_door: SimDevice
) -> None:
    """A device list sent before the lock's own read answers after it: its past stays past."""
    coordinator = loaded.runtime_data.coordinator
    front_door.errors = [{"error_code": "hub_disconnected", "message": "Hub offline"}]
    simulator.inject("/devices/list", Fault(delay_after=1.0))
    older = hass.async_create_task(coordinator.async_refresh())
    await asyncio.sleep(0.1)  # Seam has read the lock with its hub offline; the answer is slow
    front_door.errors = []
    front_door.outcome = Outcome(was_confirmed_by_device=False)
    with pytest.raises(HomeAssistantError, match="did not confirm"):
        await call(hass, "unlock")  # reads the lock itself: hub back, still locked
    await older
    await hass.async_block_till_done()
    assert simulator.request_count("/devices/get") == 1
    assert hass.states.get(FRONT).state == LockState.LOCKED  # not unavailable
