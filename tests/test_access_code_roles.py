"""Who may do what: door codes are for administrators, the lock itself for every user.

Each user calls the actions the way the dashboard does, over Home Assistant's websocket API
with their own access token, against the Seam simulator over HTTP.
"""

from __future__ import annotations

from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, MockUser
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.seam.const import DOMAIN
from homeassistant.auth.const import GROUP_ID_ADMIN, GROUP_ID_USER
from homeassistant.components.lock import LockState
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import Unauthorized
from tests.conftest import setup_integration
from tests.simulator import SeamSimulator, SimDevice

FRONT = "lock.front_door"
GUEST_PIN = "7315"
ACCESS_CODE_ACTIONS: dict[str, dict[str, Any]] = {
    "list_access_codes": {},
    "create_access_code": {"name": "Cleaner", "code": "4682"},
    "update_access_code": {"name": "Guest", "code": "5926"},
    "delete_access_code": {"name": "Guest"},
}


@pytest.fixture
async def front_door(
    hass: HomeAssistant, simulator: SeamSimulator, config_entry: MockConfigEntry
) -> SimDevice:
    """An unlocked lock with one guest code on it, the integration set up."""
    device = simulator.add_lock("Front Door", locked=False)
    await setup_integration(hass, config_entry)
    # Made by Home Assistant itself (no user), as an automation would.
    await hass.services.async_call(
        DOMAIN,
        "create_access_code",
        {"entity_id": FRONT, "name": "Guest", "code": GUEST_PIN},
        blocking=True,
    )
    return device


async def token_of(hass: HomeAssistant, group: str) -> str:
    """An access token of a new user in `group`, as the user's browser holds one."""
    user = await hass.auth.async_create_user(f"A user of {group}", group_ids=[group])
    refresh_token = await hass.auth.async_create_refresh_token(user, "https://example.invalid/")
    return hass.auth.async_create_access_token(refresh_token)


async def call(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    token: str,
    domain: str,
    service: str,
    data: dict[str, Any],
    *,
    return_response: bool = False,
) -> dict[str, Any]:
    """Call an action over the websocket API as the token's user; the answer message."""
    client = await hass_ws_client(hass, token)
    await client.send_json_auto_id(
        {
            "type": "call_service",
            "domain": domain,
            "service": service,
            "service_data": data,
            "target": {"entity_id": FRONT},
            "return_response": return_response,
        }
    )
    message: dict[str, Any] = await client.receive_json()
    return message


def access_code_requests(simulator: SeamSimulator) -> list[str]:
    return [request.path for request in simulator.requests if "access_codes" in request.path]


@pytest.mark.parametrize("action", ACCESS_CODE_ACTIONS)
async def test_a_household_member_cannot_read_or_change_door_codes(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    simulator: SeamSimulator,
    front_door: SimDevice,
    action: str,
) -> None:
    """A user who is not an administrator is refused, and Seam is never asked."""
    token = await token_of(hass, GROUP_ID_USER)
    simulator.reset_requests()
    answer = await call(
        hass,
        hass_ws_client,
        token,
        DOMAIN,
        action,
        ACCESS_CODE_ACTIONS[action],
        return_response=action == "list_access_codes",
    )
    # Home Assistant's own answer to `Unauthorized`, as the dashboard shows it.
    assert answer["success"] is False
    assert answer["error"]["message"] == "Unauthorized"
    assert GUEST_PIN not in str(answer)
    assert access_code_requests(simulator) == []
    assert [(code.name, code.code) for code in simulator.access_codes.on(front_door.device_id)] == [
        ("Guest", GUEST_PIN)
    ]


async def test_an_automation_run_by_a_household_member_is_refused_too(
    hass: HomeAssistant,
    hass_owner_user: MockUser,
    simulator: SeamSimulator,
    front_door: SimDevice,
) -> None:
    """A script a member starts runs in the member's context: it raises `Unauthorized`.

    (The owner exists first: Home Assistant makes its first user the owner.)
    """
    member = await hass.auth.async_create_user("Member", group_ids=[GROUP_ID_USER])
    simulator.reset_requests()
    with pytest.raises(Unauthorized):
        await hass.services.async_call(
            DOMAIN,
            "delete_access_code",
            {"entity_id": FRONT, "name": "Guest"},
            blocking=True,
            context=Context(user_id=member.id),
        )
    assert access_code_requests(simulator) == []


async def test_a_household_member_still_locks_and_unlocks(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    simulator: SeamSimulator,
    front_door: SimDevice,
) -> None:
    """Lock and unlock stay open to every user who may control the lock."""
    token = await token_of(hass, GROUP_ID_USER)
    answer = await call(hass, hass_ws_client, token, "lock", "lock", {})
    assert answer["success"] is True
    assert hass.states.get(FRONT).state == LockState.LOCKED
    assert front_door.locked is True
    answer = await call(hass, hass_ws_client, token, "lock", "unlock", {})
    assert answer["success"] is True
    assert hass.states.get(FRONT).state == LockState.UNLOCKED


async def test_an_administrator_manages_door_codes(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    simulator: SeamSimulator,
    front_door: SimDevice,
) -> None:
    """An administrator lists the codes (PINs included) and creates one."""
    token = await token_of(hass, GROUP_ID_ADMIN)
    answer = await call(
        hass, hass_ws_client, token, DOMAIN, "list_access_codes", {}, return_response=True
    )
    assert answer["success"] is True
    listed = answer["result"]["response"][FRONT]["access_codes"]
    assert [(code["name"], code["code"]) for code in listed] == [("Guest", GUEST_PIN)]
    answer = await call(
        hass,
        hass_ws_client,
        token,
        DOMAIN,
        "create_access_code",
        ACCESS_CODE_ACTIONS["create_access_code"],
    )
    assert answer["success"] is True
    assert sorted(code.name for code in simulator.access_codes.on(front_door.device_id)) == [
        "Cleaner",
        "Guest",
    ]
