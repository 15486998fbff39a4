"""The webhook URL is a door anyone may knock on: refusals stay quiet, replays stay out.

Real Home Assistant's HTTP server on 127.0.0.1, deliveries posted to it as an attacker (or
Seam) would; the Seam simulator behind the integration.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.seam.api import SIGNATURE_TOLERANCE, ReplayCache, sign_webhook
from custom_components.seam.const import CONF_WEBHOOK_SECRET
from custom_components.seam.refusal_log import RefusalLog
from homeassistant.components.lock import LockState
from homeassistant.const import CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant
from tests.conftest import Post, advance
from tests.simulator import SeamSimulator, SimDevice

FRONT = "lock.front_door"


@pytest.fixture
async def front_door(simulator: SeamSimulator) -> SimDevice:
    return simulator.add_lock("Front Door", device_id="front_door_id", locked=False)


def delivery(
    entry: MockConfigEntry,
    event_id: str,
    event_type: str = "lock.locked",
    *,
    sent_at: int | None = None,
    secret: str | None = None,
) -> dict[str, Any]:
    """A delivery of a lock event, signed as Seam signs it (or with another `secret`)."""
    body = json.dumps(
        {"event_id": event_id, "event_type": event_type, "device_id": "front_door_id"}
    ).encode()
    timestamp = int(time.time()) if sent_at is None else sent_at
    message_id = f"msg_{event_id}"
    signature = sign_webhook(secret or entry.data[CONF_WEBHOOK_SECRET], message_id, timestamp, body)
    headers = {
        "svix-id": message_id,
        "svix-timestamp": str(timestamp),
        "svix-signature": signature,
    }
    return {"data": body, "headers": headers}


def refusal_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name.startswith("custom_components.seam") and "Refused" in record.getMessage()
    ]


async def test_a_flood_of_forged_deliveries_is_counted_and_logged_once_a_minute(
    hass: HomeAssistant,
    pushed: MockConfigEntry,
    reachable: Post,
    caplog: pytest.LogCaptureFixture,
) -> None:
    path = f"/api/webhook/{pushed.data[CONF_WEBHOOK_ID]}"
    forged = "whsec_" + "Zm9yZ2VkLWtleS1mb3ItdGVzdHM="
    statuses = await asyncio.gather(
        *(reachable(path, **delivery(pushed, f"evt_{n}", secret=forged)) for n in range(50))
    )
    assert {response.status for response in statuses} == {401}
    assert pushed.runtime_data.push.rejected == 50
    assert hass.states.get(FRONT).state == LockState.UNLOCKED
    # The first at once; the other 49 wait for the minute to end.
    [first] = refusal_lines(caplog)
    assert "No valid signature" in first
    await advance(hass, 61)
    assert refusal_lines(caplog)[1:] == [
        "Refused 49 more Seam webhook deliveries in the last minute (the last: No valid signature)"
    ]
    # A quiet minute: nothing to say, and the next refusal is told at once again.
    await advance(hass, 61)
    assert len(refusal_lines(caplog)) == 2
    await reachable(path, data=b"{}")
    assert len(refusal_lines(caplog)) == 3
    assert "Missing signature headers" in refusal_lines(caplog)[2]
    # Unloaded with refusals untold: they are told then, and no timer is left behind.
    await reachable(path, data=b"{}")
    assert await hass.config_entries.async_unload(pushed.entry_id)
    assert refusal_lines(caplog)[3].startswith("Refused 1 more")


async def test_a_replay_within_the_signature_window_is_ignored_after_any_number_of_deliveries(
    hass: HomeAssistant, pushed: MockConfigEntry, reachable: Post
) -> None:
    """Seam's burst of valid deliveries does not push a captured one out of memory."""
    path = f"/api/webhook/{pushed.data[CONF_WEBHOOK_ID]}"
    captured = delivery(pushed, "evt_captured")
    assert (await reachable(path, **captured)).status == 200
    await hass.async_block_till_done()
    assert hass.states.get(FRONT).state == LockState.LOCKED
    burst = [
        delivery(pushed, f"evt_{n}", "lock.unlocked")
        for n in range(2_101)  # more than the old count-bound cache held
    ]
    for response in await asyncio.gather(*(reachable(path, **one) for one in burst[:1_000])):
        assert response.status == 200
    for response in await asyncio.gather(*(reachable(path, **one) for one in burst[1_000:])):
        assert response.status == 200
    await hass.async_block_till_done()
    assert hass.states.get(FRONT).state == LockState.UNLOCKED
    deliveries = pushed.runtime_data.push.deliveries
    assert (await reachable(path, **captured)).status == 200
    await hass.async_block_till_done()
    assert hass.states.get(FRONT).state == LockState.UNLOCKED
    assert pushed.runtime_data.push.deliveries == deliveries
    assert pushed.runtime_data.push.replayed == 1


def expiring_soon() -> int:
    """A signing time whose signature expires 2-3 s from now (whole seconds, as Seam's)."""
    return int(time.time() - SIGNATURE_TOLERANCE + 3)


async def until_expired(sent_at: int) -> None:
    """Real time passes until a signature made at `sent_at` has expired."""
    await asyncio.sleep(max(0.0, sent_at + SIGNATURE_TOLERANCE - time.time()) + 0.1)


async def test_ids_are_forgotten_when_their_signature_expires_and_a_replay_then_fails_it(
    hass: HomeAssistant, pushed: MockConfigEntry, reachable: Post
) -> None:
    path = f"/api/webhook/{pushed.data[CONF_WEBHOOK_ID]}"
    # Signed almost five minutes ago: it expires 2-3 s from now.
    sent_at = expiring_soon()
    old = delivery(pushed, "evt_old", sent_at=sent_at)
    assert (await reachable(path, **old)).status == 200
    seen = pushed.runtime_data.webhooks.seen
    assert "evt_old" in seen
    await until_expired(sent_at)
    assert (await reachable(path, **delivery(pushed, "evt_new"))).status == 200
    assert "evt_old" not in seen
    assert len(seen) == 1
    # Its replay now fails the timestamp check: forgetting it let nothing in.
    assert (await reachable(path, **old)).status == 401


async def test_a_full_replay_memory_turns_new_deliveries_away_until_room_is_made(
    hass: HomeAssistant,
    pushed: MockConfigEntry,
    reachable: Post,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Nothing is forgotten early: at the bound a new delivery gets 503, and Seam retries."""
    path = f"/api/webhook/{pushed.data[CONF_WEBHOOK_ID]}"
    pushed.runtime_data.webhooks.seen.capacity = 3
    sent = [expiring_soon() for _ in range(3)]
    for n in range(3):
        event = "lock.unlocked" if n % 2 else "lock.locked"
        response = await reachable(path, **delivery(pushed, f"evt_{n}", event, sent_at=sent[n]))
        assert response.status == 200
    await hass.async_block_till_done()
    assert hass.states.get(FRONT).state == LockState.LOCKED
    turned_away = await reachable(path, **delivery(pushed, "evt_late", "lock.unlocked"))
    assert turned_away.status == 503
    await hass.async_block_till_done()
    assert hass.states.get(FRONT).state == LockState.LOCKED
    assert "too many deliveries" in refusal_lines(caplog)[0]
    # The replays of the three are still refused while their signatures hold.
    for n in range(3):
        replay = delivery(pushed, f"evt_{n}", sent_at=sent[n])
        assert (await reachable(path, **replay)).status == 200
    assert pushed.runtime_data.push.deliveries == 3
    # Their signatures expire: Seam's retry of the turned-away delivery is taken.
    await until_expired(max(sent))
    retry = await reachable(path, **delivery(pushed, "evt_late", "lock.unlocked"))
    assert retry.status == 200
    await hass.async_block_till_done()
    assert hass.states.get(FRONT).state == LockState.UNLOCKED


def test_replay_cache_keeps_each_id_exactly_for_its_window() -> None:
    cache = ReplayCache(capacity=2, tolerance=300)
    assert cache.add("a", sent_at=1_000, now=1_000)
    assert cache.add("b", sent_at=1_100, now=1_100)
    assert not cache.add("c", sent_at=1_200, now=1_200)  # full: nothing forgotten early
    assert ("a" in cache, "b" in cache, "c" in cache) == (True, True, False)
    assert cache.add("c", sent_at=1_301, now=1_301)  # "a" expired at 1,300
    assert ("a" in cache, len(cache)) == (False, 2)
    # Discarded (its delivery was cancelled) and taken again: the newer window holds.
    cache.discard("b")
    assert cache.add("b", sent_at=1_350, now=1_350) is False  # full until "b"'s old entry ends
    assert cache.add("b", sent_at=1_401, now=1_401)
    assert cache.add("d", sent_at=1_602, now=1_602)  # "c" held until 1,601 included
    assert ("b" in cache, "c" in cache) == (True, False)


@pytest.mark.parametrize("method", ["GET", "PUT"])
async def test_other_methods_than_post_are_refused_quietly(
    hass: HomeAssistant,
    pushed: MockConfigEntry,
    hass_client_no_auth: Any,
    caplog: pytest.LogCaptureFixture,
    method: str,
) -> None:
    """Home Assistant would log each one; the receiver counts them and logs once a minute."""
    http = await hass_client_no_auth()
    path = f"/api/webhook/{pushed.data[CONF_WEBHOOK_ID]}"
    for _ in range(20):
        assert (await http.request(method, path)).status == 405
    assert pushed.runtime_data.push.rejected == 20
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert warnings == [
        f"Refused a Seam webhook delivery: {method} instead of POST. Further refusals are "
        "counted and logged at most once a minute"
    ]


async def test_a_refusal_arriving_as_the_entry_unloads_leaves_no_timer(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    """A delivery still being read when the entry unloads is refused after the log stopped."""
    refusals = RefusalLog(hass)
    refusals.async_stop()
    refusals.refused("No valid signature")
    assert "Refused" not in caplog.text
    # verify_cleanup fails the test if a timer was left scheduled.
