"""Access codes against Seam's own fake server: the client's contract, then the actions.

Where the fake differs from production (it returns no action attempt on create, lists every
device's codes, accepts codes and windows production refuses), the tests say so.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.seam.api import (
    AccessCodeStatus,
    ActionAttemptStatus,
    SeamClient,
    SeamConflictError,
    SeamNotFoundError,
)
from custom_components.seam.const import CONF_API_URL, DOMAIN
from homeassistant.const import ATTR_ENTITY_ID, CONF_API_KEY
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import dt as dt_util
from tests.conftest import setup_integration
from tests.fake_seam import FakeSeam

FRONT = "lock.front_door"
BACK = "lock.back_door"


def make_client(session: aiohttp.ClientSession, fake_seam: FakeSeam) -> SeamClient:
    return SeamClient(session, fake_seam.api_key, base_url=fake_seam.url, retry_delays=(0.01,))


async def test_client_creates_lists_updates_and_deletes_codes(fake_seam: FakeSeam) -> None:
    starts = dt_util.utcnow().replace(microsecond=0) + timedelta(days=1)
    ends = starts + timedelta(days=2)
    async with aiohttp.ClientSession() as session:
        client = make_client(session, fake_seam)
        created, attempt = await client.create_access_code(
            "august_device_1", name="Guest", code="4829", starts_at=starts, ends_at=ends
        )
        # The fake sends no action attempt with a new code (production does).
        assert attempt is None
        assert (created.name, created.code, created.type) == ("Guest", "4829", "time_bound")
        assert (created.starts_at, created.ends_at) == (starts, ends)
        assert created.status is AccessCodeStatus.UNSET
        await client.create_access_code("august_device_2", name="Back", code="4829")

        # The fake lists the codes of every device: the client keeps the device's own.
        listed = await client.list_access_codes("august_device_1")
        assert [code.access_code_id for code in listed] == [created.access_code_id]

        update = await client.update_access_code(created.access_code_id, name="Guest Anna")
        assert update is not None
        assert update.action_type == "UPDATE_ACCESS_CODE"
        done = await client.wait_for_action_attempt(update, max_wait=5)
        assert done.status is ActionAttemptStatus.SUCCESS

        delete = await client.delete_access_code(created.access_code_id)
        assert delete is not None
        assert delete.action_type == "DELETE_ACCESS_CODE"
        assert await client.list_access_codes("august_device_1") == []
        with pytest.raises(SeamNotFoundError) as gone:
            await client.delete_access_code(created.access_code_id)
        assert gone.value.error_type == "access_code_not_found"


async def test_client_reports_a_duplicate_code_as_a_conflict(fake_seam: FakeSeam) -> None:
    async with aiohttp.ClientSession() as session:
        client = make_client(session, fake_seam)
        await client.create_access_code("august_device_1", name="Guest", code="4829")
        with pytest.raises(SeamConflictError) as caught:
            await client.create_access_code("august_device_1", name="Cleaner", code="4829")
    assert caught.value.error_type == "duplicate_access_code"
    # Seam's fake quotes the duplicate PIN; the error names it masked.
    assert "code …9" in caught.value.message
    assert "4829" not in str(caught.value)


@pytest.fixture
async def loaded(hass: HomeAssistant, fake_seam: FakeSeam) -> MockConfigEntry:
    """The seeded workspace of the fake, set up in Home Assistant."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=fake_seam.workspace_id,
        data={CONF_API_KEY: fake_seam.api_key, CONF_API_URL: fake_seam.url},
    )
    await setup_integration(hass, entry)
    assert hass.states.get(FRONT) is not None
    return entry


async def act(hass: HomeAssistant, action: str, entity_id: str = FRONT, **data: Any) -> Any:
    response = await hass.services.async_call(
        DOMAIN,
        action,
        {ATTR_ENTITY_ID: entity_id, **data},
        blocking=True,
        return_response=action in {"create_access_code", "list_access_codes"},
    )
    return None if response is None else response[entity_id]


async def listed(hass: HomeAssistant, entity_id: str = FRONT) -> list[dict[str, Any]]:
    codes: list[dict[str, Any]] = (await act(hass, "list_access_codes", entity_id))["access_codes"]
    return codes


def picked(days: float) -> str:
    return (dt_util.now() + timedelta(days=days)).strftime("%Y-%m-%d %H:%M:%S")


async def test_a_guest_stay_from_creation_to_deletion(
    hass: HomeAssistant, loaded: MockConfigEntry
) -> None:
    created = await act(
        hass,
        "create_access_code",
        name="Guest Anna",
        code="4829",
        starts_at=picked(1),
        ends_at=picked(3),
    )
    code = created["access_code"]
    assert (code["name"], code["code"], code["type"], code["status"]) == (
        "Guest Anna",
        "4829",
        "time_bound",
        "unset",
    )
    generated = (await act(hass, "create_access_code", name="Cleaner"))["access_code"]
    assert len(generated["code"]) == 4
    await act(hass, "create_access_code", name="Back door guest", code="4829", entity_id=BACK)
    assert sorted(c["name"] for c in await listed(hass)) == ["Cleaner", "Guest Anna"]

    # Renaming keeps the window: the fake would make the code ongoing if it were left out.
    await act(hass, "update_access_code", name="Guest Anna", new_name="Anna", code="5830")
    anna = next(c for c in await listed(hass) if c["name"] == "Anna")
    assert (anna["code"], anna["type"]) == ("5830", "time_bound")
    assert (anna["starts_at"], anna["ends_at"]) == (code["starts_at"], code["ends_at"])

    await act(hass, "delete_access_code", name="anna")
    await act(hass, "delete_access_code", access_code_id=generated["access_code_id"])
    assert await listed(hass) == []
    with pytest.raises(ServiceValidationError) as caught:
        await act(hass, "delete_access_code", access_code_id=generated["access_code_id"])
    assert caught.value.translation_key == "access_code_unknown_id"
    assert [c["name"] for c in await listed(hass, BACK)] == ["Back door guest"]


async def test_a_duplicate_code_names_the_code_it_clashes_with(
    hass: HomeAssistant, loaded: MockConfigEntry
) -> None:
    await act(hass, "create_access_code", name="Guest Anna", code="4829")
    with pytest.raises(ServiceValidationError, match="by the access code Guest Anna") as caught:
        await act(hass, "create_access_code", name="Cleaner", code="4829")
    assert caught.value.translation_key == "access_code_duplicate"
    # The fake checks no duplicates on update: the integration does, before sending.
    await act(hass, "create_access_code", name="Cleaner", code="5830")
    with pytest.raises(ServiceValidationError, match="by the access code Guest Anna"):
        await act(hass, "update_access_code", name="Cleaner", code="4829")
    assert sorted(c["code"] for c in await listed(hass)) == ["4829", "5830"]


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"code": "12"}, "access_code_wrong_length"),
        ({"code": "12ab"}, "access_code_not_digits"),
        ({"starts_at": picked(2), "ends_at": picked(1)}, "access_code_window_reversed"),
        ({"starts_at": picked(-2), "ends_at": picked(-1)}, "access_code_window_past"),
        ({"starts_at": picked(1)}, "access_code_window_incomplete"),
    ],
    ids=["two-digits", "letters", "end-first", "past", "start-only"],
)
async def test_codes_the_fake_would_accept_but_seam_refuses_are_stopped_first(
    hass: HomeAssistant, loaded: MockConfigEntry, data: dict[str, str], key: str
) -> None:
    with pytest.raises(ServiceValidationError) as caught:
        await act(hass, "create_access_code", name="Guest", **data)
    assert caught.value.translation_key == key
    assert await listed(hass) == []
