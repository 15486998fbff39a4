"""Confirmation that learns each lock: its pace from its commands, kept across restarts.

The tests through Home Assistant run at the real pace (`real_waits`): they are about when the
polls come. They look at what Seam saw (the simulator's requests) and at what the user sees
(the lock confirmed, never before Seam was done).
"""

from __future__ import annotations

import asyncio
from itertools import pairwise
from typing import Any
from unittest.mock import patch

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.seam.api import Observation, Pace, Timing, learned_pace, prior_pace
from custom_components.seam.api.actuation import HISTORY, poll_delay
from custom_components.seam.const import DOMAIN
from homeassistant.components.lock import DOMAIN as LOCK_DOMAIN, LockState
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.storage import Store
from tests.conftest import setup_integration, wait_for_state
from tests.simulator import Outcome, SeamSimulator, SimDevice

FRONT = "lock.front_door"
ACTUATION = 1.0


def polls_of(pace: Pace | None, finish: float) -> list[float]:
    """When the polls of a command that ends at `finish` come (seconds after it)."""
    times = [0.0]
    while times[-1] < finish:
        times.append(times[-1] + poll_delay(pace, times[-1]))
    return times[1:]


def around(typical: float, count: int = 10) -> list[Observation]:
    """Observations of a lock that takes `typical` s, ± 5 %, each seen within 50 ms."""
    spread = [typical * (0.95 + 0.1 * i / max(count - 1, 1)) for i in range(count)]
    return [Observation(at - 0.05, at) for at in spread]


# The model and the schedule.


def test_a_settled_pace_polls_once_before_its_window_then_densely_in_it() -> None:
    pace = learned_pace(around(2.0))
    assert pace is not None
    assert 1.7 < pace.start < 1.9
    assert 2.1 < pace.end < 2.3
    polls = polls_of(pace, 2.05)
    assert polls[0] == pytest.approx(pace.start)  # nothing before: the lock is never that fast
    assert 2.05 <= polls[-1] <= 2.05 + pace.gap
    # A 2 s lock: the SDK polls 5 times (0.5 s tick) and is 450 ms late at worst.
    assert len(polls) <= 4


def test_a_slow_lock_gets_few_polls_before_its_window() -> None:
    pace = learned_pace(around(12.0))
    assert pace is not None
    polls = polls_of(pace, 12.0)
    before = [at for at in polls if at < pace.start - 0.01]
    assert 1 <= len(before) <= 2  # at half the window's start, and never 5 s apart
    assert len(polls) <= len(before) + 1 + (12.0 - pace.start) / pace.gap + 1


@pytest.mark.parametrize("typical", [0.4, 2.0, 12.0])
def test_outside_the_window_a_finish_is_seen_within_20_percent_and_200_ms(typical: float) -> None:
    pace = learned_pace(around(typical))
    assert pace is not None
    finish = pace.end
    while finish < 44:
        seen = polls_of(pace, finish)[-1]
        assert seen - finish <= 0.2 * finish + 0.2 + 1e-9, (typical, finish)
        finish = finish * 1.07 + 0.01


def test_nothing_learned_and_never_more_than_5_s_between_polls() -> None:
    for pace in (None, learned_pace(around(0.5)), learned_pace(around(20.0))):
        times = [0.0, *polls_of(pace, 45)]
        assert max(b - a for a, b in pairwise(times)) <= 5.0


def test_a_rare_slow_command_does_not_move_the_window() -> None:
    usual = around(3.0, 9)
    pace = learned_pace([*usual, Observation(6.0, 6.1)])
    assert pace is not None
    assert pace.end < 3.5
    assert pace.typical == pytest.approx(3.0, abs=0.1)


def test_with_one_observation_polls_search_down_to_half_the_window() -> None:
    """The one command seen may have been a rare slow one (twice the usual time)."""
    pace = learned_pace([Observation(7.9, 8.0)])
    assert pace is not None
    polls = polls_of(pace, 4.1)  # the lock's usual time, half what was seen
    assert pace.start / 2 in [pytest.approx(at) for at in polls]
    assert polls[-1] - 4.1 <= 0.2 * 4.1 + 0.2


def test_a_command_seen_only_between_polls_far_apart_does_not_move_the_window() -> None:
    """A 10 s lock's command that ends at 9.5 s, just before its window, is seen at the
    window's start: between a poll at 7 s and one at 9.7 s. It counts for the lock's typical
    time, not for where its window is."""
    settled = around(10.0, 10)
    pace = learned_pace(settled)
    assert pace is not None
    after = learned_pace([*settled, Observation(7.0, 9.7)])
    assert after is not None
    assert after.start == pytest.approx(pace.start)
    assert len(polls_of(after, 10.0)) == len(polls_of(pace, 10.0))


def test_an_early_end_is_seen_by_2_s_or_within_5_s() -> None:
    pace = learned_pace(around(12.0))
    assert pace is not None
    assert polls_of(pace, 0.3)[-1] == pytest.approx(2.0)
    for early in (2.5, 4.0, 6.0, 9.0):
        assert polls_of(pace, early)[-1] - early <= 5.0


def test_only_the_last_observations_count() -> None:
    old = around(10.0, HISTORY)
    new = around(2.0, HISTORY)
    pace = learned_pace((old + new)[-HISTORY:])
    assert pace is not None
    assert pace.typical == pytest.approx(2.0, abs=0.1)


def test_other_locks_of_the_model_are_a_prior_only_when_they_agree() -> None:
    paces = [learned_pace(around(t)) for t in (2.0, 2.2, 2.4)]
    prior = prior_pace(p for p in paces if p is not None)
    assert prior is not None
    assert prior.start < 1.9
    assert prior.end > 2.5
    assert prior.observations == 0  # treated as unsettled: searched down to half
    apart = [learned_pace(around(t)) for t in (1.0, 9.0)]
    assert prior_pace(p for p in apart if p is not None) is None
    assert prior_pace([]) is None


def test_what_a_wait_observed() -> None:
    assert Timing().observation() is None
    assert Timing(pending_at=1.2, done_at=1.4).observation() == Observation(1.2, 1.4)
    assert Timing(pending_at=0.0, done_at=0.7, pushed=True).observation() == Observation(0.7, 0.7)


@pytest.mark.parametrize(
    "stored",
    [[1, 2], [2.0, 1.0], [-1, 1], ["1", 2], [1, 2, 3], None, {"low": 1}, [True, 2], [1, 500]],
)
def test_a_stored_observation_that_is_not_one_is_left_out(stored: object) -> None:
    ok = repr(stored) == "[1, 2]"
    assert (Observation.from_list(stored) is not None) is ok


# Through Home Assistant, at the real pace.


@pytest.fixture
def front_door(simulator: SeamSimulator) -> SimDevice:
    return simulator.add_lock(
        "Front Door", device_id="front_door_id", locked=False, actuation_delay=ACTUATION
    )


async def command(hass: HomeAssistant, simulator: SeamSimulator, service: str) -> list[float]:
    """Run lock.<service> to its confirmation; return its polls' times after the command."""
    mark = len(simulator.requests)
    await hass.services.async_call(LOCK_DOMAIN, service, {ATTR_ENTITY_ID: FRONT}, blocking=True)
    requests = simulator.requests[mark:]
    sent = next(r.at for r in requests if r.path.startswith("/locks/"))
    return [r.at - sent for r in requests if r.path == "/action_attempts/get"]


def stored(hass_storage: dict[str, Any], entry: MockConfigEntry) -> Any:
    return hass_storage[f"{DOMAIN}.paces.{entry.entry_id}"]["data"]["locks"]


@pytest.mark.real_waits
async def test_a_lock_is_polled_where_it_finishes_once_learned_and_after_a_restart(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    config_entry: MockConfigEntry,
    front_door: SimDevice,
    hass_storage: dict[str, Any],
) -> None:
    await setup_integration(hass, config_entry)
    cold = await command(hass, simulator, "lock")
    # Nothing learned: polls from 0.2 s on, as for any lock.
    assert cold[0] < 0.3
    for service in ("unlock", "lock"):
        await command(hass, simulator, service)
    warm = await command(hass, simulator, "unlock")
    assert hass.states.get(FRONT).state == LockState.UNLOCKED
    # Learned: no poll long before the lock is done, and fewer polls than the first time.
    assert warm[0] > ACTUATION * 0.8
    assert warm[-1] >= ACTUATION
    assert len(warm) < len(cold)

    # Unloading writes what was learned; the entry set up again (as after a restart) reads it.
    assert await hass.config_entries.async_unload(config_entry.entry_id)
    assert len(stored(hass_storage, config_entry)["front_door_id"]["observations"]) == 4
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    after_restart = await command(hass, simulator, "lock")
    assert after_restart[0] > ACTUATION * 0.8
    assert len(after_restart) < len(cold)
    assert hass.states.get(FRONT).state == LockState.LOCKED


@pytest.mark.real_waits
async def test_failed_and_unconfirmed_commands_teach_nothing(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    config_entry: MockConfigEntry,
    front_door: SimDevice,
) -> None:
    front_door.actuation_delay = 0.3
    await setup_integration(hass, config_entry)
    paces = config_entry.runtime_data.locks.paces
    front_door.outcome = Outcome(status="error", error_type="lock_jammed")
    with pytest.raises(HomeAssistantError):
        await command(hass, simulator, "lock")
    front_door.outcome = Outcome(was_confirmed_by_device=False)
    with pytest.raises(HomeAssistantError):
        await command(hass, simulator, "lock")
    assert paces.diagnostics("front_door_id") is None
    front_door.outcome = Outcome()
    await command(hass, simulator, "lock")
    assert len(paces.diagnostics("front_door_id")["observations"]) == 1


async def test_a_store_that_cannot_be_read_starts_from_nothing(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    config_entry: MockConfigEntry,
    front_door: SimDevice,
    hass_storage: dict[str, Any],
) -> None:
    front_door.actuation_delay = 0.0
    simulator.add_lock("Back Door", device_id="back_door_id")
    hass_storage[f"{DOMAIN}.paces.{config_entry.entry_id}"] = {
        "version": 1,
        "key": f"{DOMAIN}.paces.{config_entry.entry_id}",
        "data": {
            "locks": {
                "front_door_id": {"observations": [[1, "x"], [3, 2]]},
                "other": "not a lock",
                "back_door_id": {"observations": [[0.5, 0.6]], "model": "august_lock/-"},
                # Removed from Seam while Home Assistant was off: forgotten at the first read.
                "gone_id": {"observations": [[0.5, 0.6]], "model": "august_lock/-"},
            }
        },
    }
    await setup_integration(hass, config_entry)
    paces = config_entry.runtime_data.locks.paces
    assert paces.diagnostics("front_door_id") is None
    assert paces.diagnostics("back_door_id") is not None
    assert paces.diagnostics("gone_id") is None
    await command(hass, simulator, "lock")
    assert hass.states.get(FRONT).state == LockState.LOCKED


async def test_removing_the_entry_or_the_lock_forgets_its_pace(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    config_entry: MockConfigEntry,
    front_door: SimDevice,
    hass_storage: dict[str, Any],
) -> None:
    front_door.actuation_delay = 0.0
    simulator.add_lock("Back Door", device_id="back_door_id")
    await setup_integration(hass, config_entry)
    await command(hass, simulator, "lock")
    paces = config_entry.runtime_data.locks.paces
    assert paces.diagnostics("front_door_id") is not None
    simulator.remove_device("front_door_id")
    await config_entry.runtime_data.coordinator.async_refresh()
    assert paces.diagnostics("front_door_id") is None
    await paces.async_close()
    assert "front_door_id" not in stored(hass_storage, config_entry)

    # After the unload nothing more is learned or written (a late command's end, say).
    back = config_entry.runtime_data.locks.by_id["back_door_id"].state.device
    paces.add(back, Observation(0.1, 0.2))
    assert paces.diagnostics("back_door_id") is None
    assert "back_door_id" not in stored(hass_storage, config_entry)

    assert await hass.config_entries.async_remove(config_entry.entry_id)
    await hass.async_block_till_done()
    assert f"{DOMAIN}.paces.{config_entry.entry_id}" not in hass_storage


async def test_storage_that_fails_is_not_fatal(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    config_entry: MockConfigEntry,
    front_door: SimDevice,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A read that fails starts from nothing; a write that fails on unload does not stop it."""
    front_door.actuation_delay = 0.0

    class FailingStore(Store[dict[str, Any]]):
        async def async_load(self) -> dict[str, Any] | None:
            raise OSError("disk gone")

        async def async_save(self, data: dict[str, Any]) -> None:
            raise OSError("disk full")

    with patch("custom_components.seam.paces.Store", FailingStore):
        await setup_integration(hass, config_entry)
        assert "learning anew: disk gone" in caplog.text
        await command(hass, simulator, "lock")
        assert hass.states.get(FRONT).state == LockState.LOCKED
        paces = config_entry.runtime_data.locks.paces
        assert await hass.config_entries.async_unload(config_entry.entry_id)
    assert "Could not save how long each Seam lock takes: disk full" in caplog.text
    # Closed: a late device-list read forgets nothing and writes nothing.
    paces.keep_only([])
    assert paces.diagnostics("front_door_id") is not None


@pytest.mark.real_waits
async def test_a_command_whose_caller_gave_up_still_teaches_once_seam_confirms(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    config_entry: MockConfigEntry,
    front_door: SimDevice,
) -> None:
    """A script cancelled mid-command: the command goes on, and its end is learned once."""
    front_door.actuation_delay = 0.4
    await setup_integration(hass, config_entry)
    caller = hass.async_create_task(
        hass.services.async_call(LOCK_DOMAIN, "lock", {ATTR_ENTITY_ID: FRONT}, blocking=True)
    )
    await asyncio.sleep(0.1)
    caller.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller
    await wait_for_state(hass, FRONT, LockState.LOCKED)
    await hass.async_block_till_done()
    observations = config_entry.runtime_data.locks.paces.diagnostics("front_door_id")
    assert observations is not None
    [(low, high)] = observations["observations"]
    assert low <= 0.4 <= high
