"""Contract tests: the project's Seam client against Seam's own fake server.

The fake (`@seamapi/fake-seam-connect`, run by `tests/fake_seam`) is Seam's code, not ours, so
these tests catch misreadings of Seam's wire format that hand-written mocks would share with the
client. Where the fake differs from production (see API-NOTES.md), the tests say so.
"""

from __future__ import annotations

import aiohttp
import pytest

from custom_components.seam.api import (
    ActionAttempt,
    ActionAttemptStatus,
    SeamActionAttemptFailedError,
    SeamClient,
    SeamInvalidInputError,
    SeamNotFoundError,
    SeamServerError,
    SeamUnauthorizedError,
    Workspace,
)
from tests.fake_seam import FakeSeam

FAST_RETRIES = (0.01, 0.01)


def make_client(
    session: aiohttp.ClientSession, fake_seam: FakeSeam, api_key: str | None = None
) -> SeamClient:
    """A client pointed at the fake, with retries short enough for tests."""
    return SeamClient(
        session,
        api_key or fake_seam.api_key,
        base_url=fake_seam.url,
        request_timeout=10,
        retry_delays=FAST_RETRIES,
    )


async def test_get_workspace(fake_seam: FakeSeam) -> None:
    """The key's workspace is the seeded one."""
    async with aiohttp.ClientSession() as session:
        workspace = await make_client(session, fake_seam).get_workspace()

    assert isinstance(workspace, Workspace)
    assert workspace.workspace_id == fake_seam.workspace_id
    assert workspace.name == "My Workspace"
    assert workspace.is_sandbox is True


@pytest.mark.parametrize("limit", [1, 2, 3, None])
async def test_list_devices_follows_every_page(fake_seam: FakeSeam, limit: int | None) -> None:
    """Small pages are followed to the end: every seeded device once, the locks recognised."""
    async with aiohttp.ClientSession() as session:
        client = make_client(session, fake_seam)
        devices = await client.list_devices(limit=limit)

    ids = [device.device_id for device in devices]
    assert len(ids) == len(set(ids))
    assert set(ids) == {*fake_seam.lock_ids, *fake_seam.non_lock_ids}
    # Exactly the three locks: the thermostat and the noise sensor lack can_remotely_lock.
    assert {device.device_id for device in devices if device.is_lock} == set(fake_seam.lock_ids)
    by_id = {device.device_id: device for device in devices}
    for lock_id in fake_seam.lock_ids:
        assert by_id[lock_id].can_remotely_lock
        assert by_id[lock_id].can_remotely_unlock
        assert by_id[lock_id].locked is True
        assert by_id[lock_id].online is True
    for other_id in fake_seam.non_lock_ids:
        assert not by_id[other_id].can_remotely_lock
        assert by_id[other_id].locked is None
    if limit is not None:
        # One request per page, ceil(5 / limit) pages: no page fetched twice.
        assert client.request_count == -(-len(ids) // limit)


async def test_get_device(fake_seam: FakeSeam) -> None:
    """One device is parsed with its state and battery."""
    async with aiohttp.ClientSession() as session:
        device = await make_client(session, fake_seam).get_device("august_device_1")

    assert device.device_id == "august_device_1"
    assert device.device_type == "august_lock"
    assert device.is_lock
    assert device.locked is True
    assert device.online is True
    assert device.battery_level == 1.0
    assert device.battery_status == "full"
    assert device.errors == ()
    assert device.warnings == ()


@pytest.mark.parametrize("device_id", ["august_device_1", "schlage_device_id"])
async def test_unlock_then_lock_confirmed(fake_seam: FakeSeam, device_id: str) -> None:
    """Unlock and lock are confirmed by their action attempts and show in the device."""
    async with aiohttp.ClientSession() as session:
        client = make_client(session, fake_seam)

        attempt = await client.unlock_door(device_id)
        assert isinstance(attempt, ActionAttempt)
        assert attempt.action_type == "UNLOCK_DOOR"
        assert attempt.request_id
        done = await client.wait_for_action_attempt(attempt, max_wait=5)
        assert done.status is ActionAttemptStatus.SUCCESS
        assert done.action_attempt_id == attempt.action_attempt_id
        assert (await client.get_device(device_id)).locked is False

        attempt = await client.lock_door(device_id)
        assert attempt.action_type == "LOCK_DOOR"
        done = await client.wait_for_action_attempt(attempt, max_wait=5)
        assert done.status is ActionAttemptStatus.SUCCESS
        assert (await client.get_device(device_id)).locked is True

        fetched = await client.get_action_attempt(attempt.action_attempt_id)
        assert fetched.status is ActionAttemptStatus.SUCCESS
        assert fetched.error_type is None


async def test_state_is_reset_between_tests(fake_seam: FakeSeam) -> None:
    """Each test starts from the seed (other tests unlock devices and add attempts)."""
    async with aiohttp.ClientSession() as session:
        client = make_client(session, fake_seam)
        attempt = await client.unlock_door("august_device_2")
        # The fake's id counters are part of the reset, so a dirty state would show here.
        assert attempt.action_attempt_id == "action_attempt1"
        await client.wait_for_action_attempt(attempt, max_wait=5)
        assert (await client.get_device("august_device_2")).locked is False

        fake_seam.reset()

        assert (await client.get_device("august_device_2")).locked is True


async def test_unknown_device(fake_seam: FakeSeam) -> None:
    """A device that does not exist is a 404 `device_not_found`, for reads and commands."""
    async with aiohttp.ClientSession() as session:
        client = make_client(session, fake_seam)

        with pytest.raises(SeamNotFoundError) as read_err:
            await client.get_device("no_such_device")
        with pytest.raises(SeamNotFoundError) as command_err:
            await client.lock_door("no_such_device")

    assert read_err.value.status == 404
    assert read_err.value.error_type == "device_not_found"
    assert read_err.value.request_id
    assert command_err.value.error_type == "device_not_found"


async def test_unknown_action_attempt(fake_seam: FakeSeam) -> None:
    """An unknown action attempt is a 404 `action_attempt_not_found`."""
    async with aiohttp.ClientSession() as session:
        with pytest.raises(SeamNotFoundError) as err:
            await make_client(session, fake_seam).get_action_attempt("no_such_attempt")

    assert err.value.error_type == "action_attempt_not_found"


async def test_invalid_input(fake_seam: FakeSeam) -> None:
    """A bad parameter is a 400 `invalid_input` carrying Seam's per-field errors."""
    async with aiohttp.ClientSession() as session:
        with pytest.raises(SeamInvalidInputError) as err:
            await make_client(session, fake_seam).list_devices(limit=0)

    assert err.value.status == 400
    assert err.value.error_type == "invalid_input"
    assert err.value.request_id
    assert err.value.validation_errors["limit"]["_errors"]
    assert "limit" in str(err.value)


async def test_bad_api_key(fake_seam: FakeSeam) -> None:
    """A wrong key is a 401 `unauthorized`, not retried, and never echoed in the error.

    `/devices/list` is used: the fake's `/workspaces/get` answers an unknown key with
    400 `missing_workspace_id` (it falls back to user-session auth), unlike production.
    """
    bad_key = "seam_testWrong_0000000000000000"
    async with aiohttp.ClientSession() as session:
        client = make_client(session, fake_seam, api_key=bad_key)
        with pytest.raises(SeamUnauthorizedError) as err:
            await client.list_devices()

    assert err.value.status == 401
    assert err.value.error_type == "unauthorized"
    assert bad_key not in str(err.value)
    assert client.request_count == 1


async def test_other_workspace_sees_none_of_the_devices(fake_seam: FakeSeam) -> None:
    """The second seeded key is valid but its workspace has no devices."""
    async with aiohttp.ClientSession() as session:
        client = make_client(session, fake_seam, api_key=fake_seam.other_api_key)

        assert await client.list_devices(limit=2) == []
        with pytest.raises(SeamNotFoundError):
            await client.get_device("august_device_1")


async def test_action_attempt_failure(fake_seam: FakeSeam) -> None:
    """An attempt that Seam reports as failed raises with Seam's type and message."""
    async with aiohttp.ClientSession() as session:
        client = make_client(session, fake_seam)
        attempt = await client.unlock_door("august_device_1")
        await fake_seam.update_action_attempt(
            session,
            attempt.action_attempt_id,
            "error",
            {"type": "lock_jammed", "message": "The bolt is jammed"},
        )

        with pytest.raises(SeamActionAttemptFailedError) as err:
            await client.wait_for_action_attempt(attempt, max_wait=5)

    assert err.value.error_type == "lock_jammed"
    assert err.value.error_message == "The bolt is jammed"
    assert err.value.action_attempt.status is ActionAttemptStatus.ERROR
    assert err.value.action_attempt.action_attempt_id == attempt.action_attempt_id
    assert "The bolt is jammed" in str(err.value)


async def test_action_attempt_result_confirmation(fake_seam: FakeSeam) -> None:
    """`result.was_confirmed_by_device` is read when Seam reports it."""
    async with aiohttp.ClientSession() as session:
        client = make_client(session, fake_seam)
        attempt = await client.lock_door("august_device_2")
        await fake_seam.update_action_attempt(
            session,
            attempt.action_attempt_id,
            "success",
            result={"was_confirmed_by_device": False},
        )

        done = await client.wait_for_action_attempt(attempt, max_wait=5)

    assert done.status is ActionAttemptStatus.SUCCESS
    assert done.was_confirmed_by_device is False


async def test_outage_is_a_server_error(fake_seam: FakeSeam) -> None:
    """A 503 with an empty body (Seam's outage) is a server error once reads stop retrying."""
    async with aiohttp.ClientSession() as session:
        client = make_client(session, fake_seam)
        await fake_seam.simulate_outage(session, ["/devices/list", "/locks/lock_door"])

        with pytest.raises(SeamServerError) as read_err:
            await client.list_devices()
        assert read_err.value.status == 503
        assert read_err.value.error_type is None
        assert client.request_count == 1 + len(FAST_RETRIES)  # reads are retried

        before = client.request_count
        with pytest.raises(SeamServerError) as command_err:
            await client.lock_door("august_device_1")
        assert command_err.value.status == 503
        assert client.request_count == before + 1  # commands are never retried

        # Routes outside the outage still work; ending it restores the listing.
        assert (await client.get_device("august_device_1")).locked is True
        await fake_seam.end_outage(session)
        assert len(await client.list_devices()) == 5
