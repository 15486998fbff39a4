"""The Seam simulator behaves like production Seam where the client tests rely on it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
import contextlib
import time
from typing import Any

import aiohttp
import pytest

from tests.simulator import Fault, Outcome, SeamSimulator


class Api:
    """A bare HTTP caller, so these tests prove the wire format, not a client's reading of it."""

    def __init__(self, sim: SeamSimulator, session: aiohttp.ClientSession) -> None:
        self.sim = sim
        self.session = session

    async def call(
        self, path: str, body: dict[str, Any] | None = None, *, api_key: str | None = None
    ) -> tuple[int, dict[str, Any], Mapping[str, str]]:
        headers = {"Authorization": f"Bearer {api_key or self.sim.api_key}"}
        async with self.session.post(f"{self.sim.url}{path}", json=body, headers=headers) as resp:
            return resp.status, await resp.json(), resp.headers

    async def get(self, path: str, query: dict[str, str]) -> tuple[int, dict[str, Any]]:
        headers = {"Authorization": f"Bearer {self.sim.api_key}"}
        url = f"{self.sim.url}{path}"
        async with self.session.get(url, params=query, headers=headers) as resp:
            return resp.status, await resp.json()


@pytest.fixture
async def sim(socket_enabled: None) -> AsyncIterator[SeamSimulator]:
    async with SeamSimulator() as simulator:
        yield simulator


@pytest.fixture
async def api(sim: SeamSimulator) -> AsyncIterator[Api]:
    async with aiohttp.ClientSession() as session:
        yield Api(sim, session)


async def test_key_is_required_and_every_answer_has_a_request_id(api: Api) -> None:
    status, body, headers = await api.call("/workspaces/get", api_key="seam_wrong")
    assert status == 401
    assert body == {"error": {"type": "unauthorized", "message": "Unauthorized"}, "ok": False}
    assert str(headers["seam-request-id"]).startswith("req_")

    status, body, headers = await api.call("/workspaces/get")
    assert status == 200
    assert body["ok"] is True
    assert body["workspace"]["workspace_id"] == "workspace_sim_1"
    assert body["workspace"]["is_sandbox"] is True
    assert "seam-request-id" in headers


async def test_unknown_route_is_not_found(api: Api) -> None:
    status, body, _ = await api.call("/thermostats/list")
    assert (status, body["error"]["type"]) == (404, "not_found")


async def test_devices_list_pages_with_opaque_cursors(api: Api, sim: SeamSimulator) -> None:
    locks = sim.add_locks(5)
    sim.add_device("Hallway Thermostat")

    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        body = {"device_types": ["august_lock"], "limit": 2, "page_cursor": cursor}
        status, page, _ = await api.call("/devices/list", body)
        assert status == 200
        pages += 1
        seen += [device["device_id"] for device in page["devices"]]
        if not page["pagination"]["has_next_page"]:
            assert page["pagination"]["next_page_cursor"] is None
            break
        cursor = page["pagination"]["next_page_cursor"]
        assert page["pagination"]["next_page_url"].startswith(f"{sim.url}/devices/list?")

    assert pages == 3
    assert seen == [lock.device_id for lock in locks]


async def test_a_cursor_with_other_parameters_is_refused(api: Api, sim: SeamSimulator) -> None:
    sim.add_locks(3)
    _, first, _ = await api.call("/devices/list", {"limit": 2})
    cursor = first["pagination"]["next_page_cursor"]

    status, body, _ = await api.call("/devices/list", {"limit": 1, "page_cursor": cursor})
    assert (status, body["error"]["type"]) == (400, "mismatched_page_parameters")

    status, body, _ = await api.call("/devices/list", {"limit": 2, "page_cursor": "garbage!"})
    assert (status, body["error"]["type"]) == (400, "invalid_input")

    # The next_page_url works as a GET on its own.
    async with api.session.get(
        first["pagination"]["next_page_url"],
        headers={"Authorization": f"Bearer {sim.api_key}"},
    ) as resp:
        second = await resp.json()
    assert [device["display_name"] for device in second["devices"]] == ["Lock 3"]


async def test_read_routes_accept_get_with_query_parameters(api: Api, sim: SeamSimulator) -> None:
    front, back = sim.add_lock("Front Door"), sim.add_lock("Back Door")
    sim.add_device("Thermostat")
    status, body = await api.get("/devices/list", {"device_ids": f"{front.device_id}"})
    assert status == 200
    assert [device["device_id"] for device in body["devices"]] == [front.device_id]

    status, body = await api.get("/locks/list", {})
    assert [lock["device_id"] for lock in body["locks"]] == [front.device_id, back.device_id]
    assert body["devices"] == body["locks"]
    assert "pagination" not in body


async def test_device_json_reflects_state(api: Api, sim: SeamSimulator) -> None:
    lock = sim.add_lock(
        "Front Door", battery_level=0.2, properties={"keypad_battery": {"level": 1}}
    )
    thermostat = sim.add_device("Thermostat")

    _, body, _ = await api.call("/devices/get", {"device_id": lock.device_id})
    device = body["device"]
    assert device["can_remotely_lock"] is True
    assert device["properties"]["locked"] is False
    assert device["properties"]["battery"] == {"level": 0.2, "status": "low"}
    assert device["properties"]["keypad_battery"] == {"level": 1}

    _, body, _ = await api.call("/devices/get", {"device_id": thermostat.device_id})
    device = body["device"]
    assert "can_remotely_lock" not in device
    assert "locked" not in device["properties"]
    assert device["capabilities_supported"] == ["lock", "access_code"]

    status, body, _ = await api.call("/locks/get", {"device_id": thermostat.device_id})
    assert (status, body["error"]["type"]) == (404, "device_not_found")


async def test_faults_are_consumed_one_per_request(api: Api, sim: SeamSimulator) -> None:
    sim.inject(
        "/workspaces/get",
        Fault(status=429, retry_after=0.5),
        Fault(status=401),  # applied before auth, even with the right key
        Fault(status=503, body=b""),
    )
    status, body, headers = await api.call("/workspaces/get")
    assert (status, body["error"]["type"], headers["Retry-After"]) == (429, "rate_limited", "0.5")
    status, body, _ = await api.call("/workspaces/get")
    assert (status, body["error"]["type"]) == (401, "unauthorized")

    headers = {"Authorization": f"Bearer {sim.api_key}"}
    async with api.session.post(f"{sim.url}/workspaces/get", headers=headers) as resp:
        assert (resp.status, await resp.read()) == (503, b"")
        assert "seam-request-id" in resp.headers

    status, _, _ = await api.call("/workspaces/get")
    assert status == 200
    assert [request.status for request in sim.requests] == [429, 401, 503, 200]
    assert sim.request_count("/workspaces/get") == 4
    assert sim.request_count("/devices/list") == 0


async def test_a_fault_can_delay_or_drop_the_answer(api: Api, sim: SeamSimulator) -> None:
    sim.inject("/workspaces/get", Fault(delay=0.2), Fault(drop=True), Fault(body=b"{not json"))

    started = time.monotonic()
    status, _, _ = await api.call("/workspaces/get")
    assert status == 200
    assert time.monotonic() - started >= 0.2

    with pytest.raises(aiohttp.ServerDisconnectedError):
        await api.call("/workspaces/get")
    assert sim.requests[-1].status == 0

    headers = {"Authorization": f"Bearer {sim.api_key}"}
    async with api.session.post(f"{sim.url}/workspaces/get", headers=headers) as resp:
        assert (resp.status, await resp.read()) == (200, b"{not json")


async def test_lock_is_pending_then_succeeds_after_the_actuation_delay(
    api: Api, sim: SeamSimulator
) -> None:
    lock = sim.add_lock(actuation_delay=0.2)

    _, body, _ = await api.call("/locks/lock_door", {"device_id": lock.device_id})
    attempt = body["action_attempt"]
    assert attempt["status"] == "pending"
    assert attempt["action_type"] == "LOCK_DOOR"
    assert (attempt["result"], attempt["error"]) == (None, None)

    await asyncio.sleep(0.1)
    _, body, _ = await api.call(
        "/action_attempts/get", {"action_attempt_id": attempt["action_attempt_id"]}
    )
    assert body["action_attempt"]["status"] == "pending"
    assert lock.locked is False

    await asyncio.sleep(0.15)
    _, body, _ = await api.call(
        "/action_attempts/get", {"action_attempt_id": attempt["action_attempt_id"]}
    )
    assert body["action_attempt"]["status"] == "success"
    assert body["action_attempt"]["result"] == {"was_confirmed_by_device": True}
    assert lock.locked is True


async def test_zero_delay_still_answers_pending(api: Api, sim: SeamSimulator) -> None:
    lock = sim.add_lock(locked=True)
    _, body, _ = await api.call("/locks/unlock_door", {"device_id": lock.device_id})
    assert body["action_attempt"]["status"] == "pending"
    await asyncio.sleep(0)
    assert sim.action_attempts[body["action_attempt"]["action_attempt_id"]]["status"] == "success"
    assert lock.locked is False


async def test_a_failed_unlock_leaves_the_lock_locked(api: Api, sim: SeamSimulator) -> None:
    lock = sim.add_lock(locked=True, outcome=Outcome("error", "lock_jammed", "Jammed."))
    _, body, _ = await api.call("/locks/unlock_door", {"device_id": lock.device_id})
    await asyncio.sleep(0.01)
    attempt = sim.action_attempts[body["action_attempt"]["action_attempt_id"]]
    assert attempt["status"] == "error"
    assert attempt["error"] == {"type": "lock_jammed", "message": "Jammed."}
    assert lock.locked is True


async def test_a_never_ending_attempt_completes_on_demand(api: Api, sim: SeamSimulator) -> None:
    lock = sim.add_lock(outcome=Outcome("never"))
    _, body, _ = await api.call("/locks/lock_door", {"device_id": lock.device_id})
    attempt_id = body["action_attempt"]["action_attempt_id"]
    await asyncio.sleep(0.05)
    assert sim.action_attempts[attempt_id]["status"] == "pending"

    sim.complete_action_attempt(attempt_id, Outcome("error", "action_attempt_expired", "Late."))
    assert sim.action_attempts[attempt_id]["status"] == "error"
    with pytest.raises(ValueError, match="already error"):
        sim.complete_action_attempt(attempt_id, Outcome())


async def test_lock_requests_are_validated(api: Api, sim: SeamSimulator) -> None:
    thermostat = sim.add_device("Thermostat")

    status, body, _ = await api.call("/locks/lock_door", {})
    assert status == 400
    assert body["error"]["type"] == "invalid_input"
    assert body["error"]["validation_errors"] == {
        "_errors": [],
        "device_id": {"_errors": ["Required"]},
    }

    status, body, _ = await api.call("/locks/lock_door", {"device_id": "no_such_device"})
    assert (status, body["error"]["type"]) == (404, "device_not_found")

    status, body, _ = await api.call("/locks/unlock_door", {"device_id": thermostat.device_id})
    assert (status, body["error"]["type"]) == (400, "invalid_input")

    status, body, _ = await api.call("/action_attempts/get", {"action_attempt_id": "nope"})
    assert (status, body["error"]["type"]) == (404, "action_attempt_not_found")
    assert sim.action_attempts == {}


async def test_stop_cancels_pending_resolutions(socket_enabled: None) -> None:
    """Home Assistant's harness fails a test that leaves a timer behind: stop() leaves none."""
    async with SeamSimulator() as sim, aiohttp.ClientSession() as session:
        lock = sim.add_lock(actuation_delay=60)
        headers = {"Authorization": f"Bearer {sim.api_key}"}
        async with session.post(
            f"{sim.url}/locks/lock_door", json={"device_id": lock.device_id}, headers=headers
        ) as resp:
            attempt_id = (await resp.json())["action_attempt"]["action_attempt_id"]
    assert sim.action_attempts[attempt_id]["status"] == "pending"


async def test_stop_does_not_wait_for_slow_answers(socket_enabled: None) -> None:
    sim = SeamSimulator()
    await sim.start()
    sim.inject("/workspaces/get", Fault(delay=30))
    async with aiohttp.ClientSession() as session:
        headers = {"Authorization": f"Bearer {sim.api_key}"}
        request = asyncio.create_task(session.post(f"{sim.url}/workspaces/get", headers=headers))
        await asyncio.sleep(0.2)
        assert sim.request_count() == 1
        # Stopping does not wait out the 30 s answer (it would hit this bound, far below).
        await asyncio.wait_for(sim.stop(), 10)
        with contextlib.suppress(aiohttp.ClientError):
            (await request).release()
