"""The Seam client against the project's Seam simulator, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from itertools import pairwise
import logging

import aiohttp
from aiohttp import web
import pytest

from custom_components.seam.api import (
    ActionAttempt,
    ActionAttemptStatus,
    SeamActionAttemptFailedError,
    SeamActionAttemptTimeoutError,
    SeamClient,
    SeamConnectionError,
    SeamInvalidInputError,
    SeamNotFoundError,
    SeamRateLimitedError,
    SeamServerError,
    SeamTimeoutError,
    SeamUnauthorizedError,
    Timing,
    client as client_module,
)
from custom_components.seam.api.actuation import poll_delay
from custom_components.seam.api.transport import _retry_after_seconds
from tests.simulator import Fault, Outcome, SeamSimulator

FAST_RETRIES = (0.01, 0.02, 0.03)


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as http:
        yield http


@pytest.fixture
def client(simulator: SeamSimulator, session: aiohttp.ClientSession) -> SeamClient:
    return SeamClient(
        session,
        simulator.api_key,
        base_url=simulator.url,
        retry_delays=FAST_RETRIES,
        request_timeout=1.0,
    )


async def test_workspace_proves_the_key(client: SeamClient, simulator: SeamSimulator) -> None:
    workspace = await client.get_workspace()
    assert workspace.workspace_id == simulator.workspace_id
    assert workspace.name == simulator.workspace_name


async def test_device_list_follows_every_page(client: SeamClient, simulator: SeamSimulator) -> None:
    locks = simulator.add_locks(7)
    simulator.add_device("Hallway Thermostat")
    devices = await client.list_devices(limit=3)
    assert [d.device_id for d in devices if d.is_lock] == [lock.device_id for lock in locks]
    assert len(devices) == 8
    assert simulator.request_count("/devices/list") == 3
    thermostat = devices[-1]
    assert thermostat.name == "Hallway Thermostat"
    assert not thermostat.is_lock


async def test_device_carries_what_a_lock_needs(
    client: SeamClient, simulator: SeamSimulator
) -> None:
    sim = simulator.add_lock(
        "Front Door",
        nickname="Porch",
        locked=True,
        door_open=False,
        battery_level=0.2,
        serial_number="SN-42",
        errors=[{"error_code": "hub_disconnected", "message": "Hub offline"}],
        warnings=[{"warning_code": "device_has_flaky_connection", "message": "Flaky"}],
        properties={"keypad_battery": {"level": 0.5}, "supported_code_lengths": [4, 6]},
    )
    device = await client.get_device(sim.device_id)
    assert device.name == "Porch"
    assert device.display_name == "Front Door"
    assert device.locked is True
    assert device.door_open is False
    assert device.battery_level == pytest.approx(0.2)
    assert device.battery_status == "low"
    assert device.serial_number == "SN-42"
    assert device.manufacturer
    assert device.model
    assert device.online
    assert device.can_remotely_lock
    assert device.can_remotely_unlock
    assert device.can_program_online_access_codes
    assert device.keypad_battery_level == pytest.approx(0.5)
    assert device.code_constraints.supported_code_lengths == (4, 6)
    assert [e.code for e in device.errors] == ["hub_disconnected"]
    assert [w.code for w in device.warnings] == ["device_has_flaky_connection"]


async def test_unknown_device_is_not_found_with_request_id(client: SeamClient) -> None:
    with pytest.raises(SeamNotFoundError) as caught:
        await client.get_device("no_such_device")
    assert caught.value.error_type == "device_not_found"
    assert caught.value.request_id
    assert caught.value.request_id in str(caught.value)


async def test_wrong_key_is_unauthorized_and_never_shown(
    simulator: SeamSimulator, session: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    secret = "seam_wrong_key_that_must_stay_secret"
    client = SeamClient(session, secret, base_url=simulator.url, retry_delays=FAST_RETRIES)
    with pytest.raises(SeamUnauthorizedError) as caught:
        await client.get_workspace()
    assert caught.value.status == 401
    assert secret not in str(caught.value)
    assert secret not in repr(caught.value)
    assert secret not in repr(client)
    assert secret not in caplog.text


async def test_key_echoed_by_the_server_is_redacted(
    client: SeamClient, simulator: SeamSimulator
) -> None:
    simulator.inject(
        "/workspaces/get", Fault(status=400, message=f"bad header Bearer {simulator.api_key}")
    )
    with pytest.raises(SeamInvalidInputError) as caught:
        await client.get_workspace()
    assert simulator.api_key not in str(caught.value)
    assert "REDACTED" in str(caught.value)


async def test_invalid_input_keeps_validation_errors(
    client: SeamClient, simulator: SeamSimulator
) -> None:
    simulator.add_device("Thermostat", device_id="thermostat")
    with pytest.raises(SeamInvalidInputError) as caught:
        await client.lock_door("thermostat")
    assert caught.value.error_type == "invalid_input"
    assert caught.value.status == 400
    # A zod-shaped validation error from a route that checks a field.
    simulator.inject(
        "/devices/list", Fault(status=400, message="Invalid input: limit must be positive")
    )
    with pytest.raises(SeamInvalidInputError):
        await client.list_devices(limit=-1)


async def test_reads_retry_rate_limits_honouring_retry_after(
    client: SeamClient, simulator: SeamSimulator
) -> None:
    simulator.inject("/workspaces/get", Fault(status=429, retry_after=0.3), Fault(status=429))
    loop = asyncio.get_running_loop()
    started = loop.time()
    await client.get_workspace()
    # The first wait is Seam's 0.3 s, not the client's own 0.01 s.
    assert loop.time() - started >= 0.3
    assert simulator.request_count("/workspaces/get") == 3


async def test_long_retry_after_goes_to_the_caller(
    client: SeamClient, simulator: SeamSimulator
) -> None:
    simulator.inject("/devices/list", Fault(status=429, retry_after=120))
    with pytest.raises(SeamRateLimitedError) as caught:
        await client.list_devices()
    assert caught.value.retry_after == pytest.approx(120)
    assert simulator.request_count("/devices/list") == 1


@pytest.mark.parametrize(
    "fault",
    [
        Fault(status=500),
        Fault(status=503, body=b""),
        Fault(status=200, body=b"{not json"),
        Fault(drop=True),
    ],
    ids=["500", "503-empty", "malformed-json", "dropped"],
)
async def test_reads_recover_from_transient_faults(
    client: SeamClient, simulator: SeamSimulator, fault: Fault
) -> None:
    simulator.inject("/workspaces/get", fault, fault)
    assert (await client.get_workspace()).workspace_id == simulator.workspace_id
    assert simulator.request_count("/workspaces/get") == 3


async def test_outage_raises_server_error_after_retries(
    client: SeamClient, simulator: SeamSimulator
) -> None:
    simulator.inject("/workspaces/get", *[Fault(status=503, body=b"")] * 4)
    with pytest.raises(SeamServerError) as caught:
        await client.get_workspace()
    assert caught.value.status == 503
    assert simulator.request_count("/workspaces/get") == 1 + len(FAST_RETRIES)


async def test_dropped_connections_raise_connection_error(
    client: SeamClient, simulator: SeamSimulator
) -> None:
    simulator.inject("/workspaces/get", *[Fault(drop=True)] * 4)
    with pytest.raises(SeamConnectionError):
        await client.get_workspace()


async def test_slow_answer_times_out(
    session: aiohttp.ClientSession, simulator: SeamSimulator
) -> None:
    client = SeamClient(
        session,
        simulator.api_key,
        base_url=simulator.url,
        retry_delays=FAST_RETRIES,
        request_timeout=0.2,
    )
    simulator.inject("/workspaces/get", *[Fault(delay=1)] * 4)
    with pytest.raises(SeamTimeoutError):
        await client.get_workspace()
    assert simulator.request_count("/workspaces/get") == 4  # the first try and 3 retries


@pytest.mark.parametrize(
    "fault",
    [Fault(status=503, body=b""), Fault(status=429, retry_after=0.01), Fault(drop=True)],
    ids=["503", "429", "dropped"],
)
async def test_lock_and_unlock_are_never_retried(
    client: SeamClient, simulator: SeamSimulator, fault: Fault
) -> None:
    lock = simulator.add_lock()
    simulator.inject("/locks/lock_door", fault)
    simulator.inject("/locks/unlock_door", fault)
    with pytest.raises((SeamServerError, SeamRateLimitedError, SeamConnectionError)):
        await client.lock_door(lock.device_id)
    with pytest.raises((SeamServerError, SeamRateLimitedError, SeamConnectionError)):
        await client.unlock_door(lock.device_id)
    assert simulator.request_count("/locks/lock_door") == 1
    assert simulator.request_count("/locks/unlock_door") == 1
    assert lock.locked is False


async def test_lock_is_confirmed_after_the_actuation(
    client: SeamClient, simulator: SeamSimulator
) -> None:
    lock = simulator.add_lock(locked=False, actuation_delay=0.3)
    attempt = await client.lock_door(lock.device_id)
    assert attempt.status is ActionAttemptStatus.PENDING
    assert attempt.action_type == "LOCK_DOOR"
    assert attempt.request_id
    done = await client.wait_for_action_attempt(attempt)
    assert done.status is ActionAttemptStatus.SUCCESS
    assert (await client.get_device(lock.device_id)).locked is True

    attempt = await client.unlock_door(lock.device_id)
    await client.wait_for_action_attempt(attempt)
    assert (await client.get_device(lock.device_id)).locked is False


async def test_failed_attempt_raises_seams_error(
    client: SeamClient, simulator: SeamSimulator
) -> None:
    lock = simulator.add_lock(
        locked=True,
        outcome=Outcome(status="error", error_type="lock_jammed", error_message="Bolt jammed"),
    )
    attempt = await client.unlock_door(lock.device_id)
    with pytest.raises(SeamActionAttemptFailedError) as caught:
        await client.wait_for_action_attempt(attempt)
    assert caught.value.error_type == "lock_jammed"
    assert caught.value.error_message == "Bolt jammed"
    assert caught.value.request_id == attempt.request_id
    assert lock.locked is True


async def test_attempt_that_never_resolves_times_out_with_the_last_attempt(
    client: SeamClient, simulator: SeamSimulator
) -> None:
    lock = simulator.add_lock(outcome=Outcome(status="never"))
    attempt = await client.lock_door(lock.device_id)
    with pytest.raises(SeamActionAttemptTimeoutError) as caught:
        await client.wait_for_action_attempt(attempt, max_wait=0.6)
    assert caught.value.action_attempt.action_attempt_id == attempt.action_attempt_id
    assert caught.value.action_attempt.is_pending
    assert caught.value.waited >= 0.6
    assert caught.value.request_id == attempt.request_id


async def test_a_failed_poll_does_not_end_the_wait(
    client: SeamClient, simulator: SeamSimulator
) -> None:
    lock = simulator.add_lock(actuation_delay=0.3)
    simulator.inject("/action_attempts/get", *[Fault(status=503, body=b"")] * 4)
    attempt = await client.lock_door(lock.device_id)
    timing = Timing()
    done = await client.wait_for_action_attempt(attempt, timing=timing)
    assert done.status is ActionAttemptStatus.SUCCESS
    # What the wait observed of the lock holds its actuation, failed polls or not.
    observed = timing.observation()
    assert observed is not None
    assert not timing.pushed
    assert observed.low <= 0.3 <= observed.high


@pytest.mark.real_waits  # counts the polls of the production schedule
async def test_short_actuation_is_seen_with_few_polls(
    client: SeamClient, simulator: SeamSimulator
) -> None:
    lock = simulator.add_lock(actuation_delay=0.3)
    attempt = await client.lock_door(lock.device_id)
    await client.wait_for_action_attempt(attempt)
    assert simulator.request_count("/action_attempts/get") == 2


def test_with_nothing_learned_polls_are_never_sparser_than_the_sdks_nor_late() -> None:
    """A lock with no pace yet: a finish at any time T is seen by 1.2 T + 0.2 s (5 s at most)
    after the command, and no gap is wider than the SDK's 0.5 s tick before 10 s."""
    times = [0.0]
    while times[-1] < 45:
        times.append(times[-1] + poll_delay(None, times[-1]))
    assert times[1] <= 0.25
    for before, after in pairwise(times):
        assert after - before <= min(0.201 * before + 0.201, 5.0)
        if before < 10:
            assert after - before <= 0.5
    # The SDK polls 16 times to 8 s; the dense start (0.2 T + 0.2 s below 1.5 s) adds 2.
    assert sum(1 for at in times[1:] if at < 8) <= 16 + 2


def test_retry_after_accepts_seconds_and_http_dates() -> None:
    assert _retry_after_seconds("7") == 7
    assert _retry_after_seconds(None) is None
    assert _retry_after_seconds("soon") is None
    in_a_minute = format_datetime(datetime.now(UTC) + timedelta(seconds=60), usegmt=True)
    assert 55 <= (_retry_after_seconds(in_a_minute) or 0) <= 60


async def test_repeated_page_cursor_is_an_error_not_a_loop(
    session: aiohttp.ClientSession, socket_enabled: None
) -> None:
    async def devices(request: web.Request) -> web.Response:
        return web.json_response(
            {
                "devices": [{"device_id": "d1", "properties": {}}],
                "pagination": {"has_next_page": True, "next_page_cursor": "same"},
                "ok": True,
            }
        )

    app = web.Application()
    app.router.add_post("/devices/list", devices)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        client = SeamClient(session, "seam_k", base_url=f"http://127.0.0.1:{port}")
        with pytest.raises(SeamServerError, match="same page cursor"):
            await client.list_devices()
    finally:
        await runner.cleanup()


async def test_with_webhooks_a_delivery_that_never_comes_is_covered_by_a_late_poll(
    client: SeamClient, simulator: SeamSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The safety net polls once at PUSHED_FIRST_POLL, not before (scaled down: 30 s -> 0.6 s)."""
    monkeypatch.setattr(client_module, "PUSHED_FIRST_POLL", 0.6)
    monkeypatch.setattr(client_module, "PUSHED_POLL_INTERVAL", 0.2)
    lock = simulator.add_lock(actuation_delay=0.1)
    attempt = await client.lock_door(lock.device_id)
    never: asyncio.Future[ActionAttempt] = asyncio.get_running_loop().create_future()
    timing = Timing()

    done = await client.wait_for_action_attempt(attempt, pushed=never, timing=timing)

    assert done.status is ActionAttemptStatus.SUCCESS
    # A poll 0.6 s in says only that the lock was done by then: nothing to learn from.
    assert timing.observation() is None
    [command] = [r for r in simulator.requests if r.path == "/locks/lock_door"]
    [poll] = [r for r in simulator.requests if r.path == "/action_attempts/get"]
    assert poll.at - command.at >= 0.6  # a sleep is never shorter than asked
