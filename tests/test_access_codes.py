"""Access codes from Home Assistant: real Home Assistant, the Seam simulator over HTTP.

A guest gets a door code for their stay; the user changes it, lists the codes, takes it back.
Input the lock would refuse is refused before anything is sent; Seam's refusals and failed
action attempts reach the user as translated errors and a notification naming lock and code.
"""

from __future__ import annotations

from datetime import datetime, timedelta
import json
from pathlib import Path
from typing import Any
from unittest.mock import ANY

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import yaml

from custom_components.seam import access_codes
from custom_components.seam.access_codes import AccessCodeAction
from custom_components.seam.api import AccessCode, AccessCodeStatus, SeamServerError
from custom_components.seam.const import DOMAIN
from custom_components.seam.services import CREATE_SCHEMA, DELETE_SCHEMA, UPDATE_SCHEMA
from homeassistant.components.persistent_notification import (
    _async_get_or_create_notifications as notifications,
)
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.util import dt as dt_util
from tests.conftest import setup_integration
from tests.simulator import Fault, Outcome, SeamSimulator, SimDevice

FRONT = "lock.front_door"
BACK = "lock.back_door"
RESPONDING = {"create_access_code", "list_access_codes"}


@pytest.fixture
def front_door(simulator: SeamSimulator) -> SimDevice:
    return simulator.add_lock("Front Door", device_id="front_door_id")


@pytest.fixture
async def loaded(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    config_entry: MockConfigEntry,
    front_door: SimDevice,
) -> MockConfigEntry:
    """Two locks that can take access codes, the integration set up."""
    simulator.add_lock("Back Door", device_id="back_door_id")
    await setup_integration(hass, config_entry)
    return config_entry


async def act(hass: HomeAssistant, action: str, entity_id: str = FRONT, **data: Any) -> Any:
    """Call a Seam action on one lock; return that lock's part of the response."""
    response = await hass.services.async_call(
        DOMAIN,
        action,
        {ATTR_ENTITY_ID: entity_id, **data},
        blocking=True,
        return_response=action in RESPONDING,
    )
    return None if response is None else response[entity_id]


def sent(simulator: SeamSimulator, path: str) -> list[dict[str, Any]]:
    """The bodies the simulator received on `path`, in order."""
    return [request.body for request in simulator.requests if request.path == path]


def local(days: float) -> datetime:
    """A whole second `days` from now in Home Assistant's time zone."""
    return (dt_util.now() + timedelta(days=days)).replace(microsecond=0)


def picked(value: datetime) -> str:
    """A time as the UI's date-time picker sends it: local, without a zone."""
    return value.strftime("%Y-%m-%d %H:%M:%S")


def seam_time(value: datetime) -> str:
    return dt_util.as_utc(value).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def note(hass: HomeAssistant, code_name: str) -> dict[str, str] | None:
    found = notifications(hass).get(access_codes.notification_id("front_door_id", code_name))
    return None if found is None else {"title": found["title"], "message": found["message"]}


async def names(hass: HomeAssistant, entity_id: str = FRONT) -> list[str]:
    listed = await act(hass, "list_access_codes", entity_id)
    return sorted(code["name"] for code in listed["access_codes"])


async def test_guest_code_is_created_returned_and_set_on_the_lock(
    hass: HomeAssistant, loaded: MockConfigEntry, simulator: SeamSimulator
) -> None:
    response = await act(hass, "create_access_code", name="Guest Anna", code="4829")
    assert response == {
        "access_code": {
            "access_code_id": ANY,
            "name": "Guest Anna",
            "code": "4829",
            "status": "setting",
            "type": "ongoing",
            "starts_at": None,
            "ends_at": None,
            "errors": [],
            "warnings": [],
        }
    }
    assert sent(simulator, "/access_codes/create") == [
        {"device_id": "front_door_id", "name": "Guest Anna", "code": "4829"}
    ]
    # The action ended only once Seam's action attempt said the code is on the lock.
    assert simulator.request_count("/action_attempts/get") >= 1
    listed = await act(hass, "list_access_codes")
    assert listed == {"access_codes": [{**response["access_code"], "status": "set"}]}


async def test_time_bound_code_goes_to_seam_in_utc_and_comes_back_in_local_time(
    hass: HomeAssistant, loaded: MockConfigEntry, simulator: SeamSimulator
) -> None:
    starts, ends = local(1), local(4)
    response = await act(
        hass,
        "create_access_code",
        name="Stay",
        code="5830",
        starts_at=picked(starts),
        ends_at=picked(ends),
    )
    body = sent(simulator, "/access_codes/create")[0]
    assert (body["starts_at"], body["ends_at"]) == (seam_time(starts), seam_time(ends))
    code = response["access_code"]
    assert (code["type"], code["status"]) == ("time_bound", "unset")
    assert (code["starts_at"], code["ends_at"]) == (starts.isoformat(), ends.isoformat())


async def test_without_a_code_seam_chooses_one_and_the_response_tells_it(
    hass: HomeAssistant, loaded: MockConfigEntry, simulator: SeamSimulator
) -> None:
    response = await act(hass, "create_access_code", name="Cleaner")
    code = response["access_code"]["code"]
    assert code.isdigit()
    assert len(code) == 4
    assert "code" not in sent(simulator, "/access_codes/create")[0]


async def test_one_action_gives_each_targeted_lock_its_own_code(
    hass: HomeAssistant, loaded: MockConfigEntry
) -> None:
    response = await hass.services.async_call(
        DOMAIN,
        "create_access_code",
        {ATTR_ENTITY_ID: [FRONT, BACK], "name": "Guest", "code": "4829"},
        blocking=True,
        return_response=True,
    )
    assert set(response) == {FRONT, BACK}
    assert await names(hass, FRONT) == await names(hass, BACK) == ["Guest"]


async def test_list_shows_every_code_of_that_lock_with_its_status(
    hass: HomeAssistant, loaded: MockConfigEntry, simulator: SeamSimulator
) -> None:
    await act(hass, "create_access_code", name="Family", code="4829")
    await act(
        hass,
        "create_access_code",
        name="Later",
        code="5830",
        starts_at=picked(local(2)),
        ends_at=picked(local(3)),
    )
    await act(hass, "create_access_code", name="Leaving", code="6931")
    await act(hass, "create_access_code", name="Back only", code="7142", entity_id=BACK)
    leaving = next(c for c in simulator.access_codes.by_id.values() if c.name == "Leaving")
    leaving.removing = True
    listed = await act(hass, "list_access_codes")
    assert {c["name"]: (c["code"], c["status"], c["type"]) for c in listed["access_codes"]} == {
        "Family": ("4829", "set", "ongoing"),
        "Later": ("5830", "unset", "time_bound"),
        "Leaving": ("6931", "removing", "ongoing"),
    }


async def test_update_by_name_changes_its_name_and_code(
    hass: HomeAssistant, loaded: MockConfigEntry, simulator: SeamSimulator
) -> None:
    created = await act(hass, "create_access_code", name="Guest Anna", code="4829")
    await act(hass, "update_access_code", name="guest anna", new_name="Anna", code="5830")
    assert sent(simulator, "/access_codes/update") == [
        {
            "access_code_id": created["access_code"]["access_code_id"],
            "name": "Anna",
            "code": "5830",
        }
    ]
    listed = await act(hass, "list_access_codes")
    assert [(c["name"], c["code"], c["status"]) for c in listed["access_codes"]] == [
        ("Anna", "5830", "set")
    ]


async def test_moving_only_the_end_keeps_the_start(
    hass: HomeAssistant, loaded: MockConfigEntry, simulator: SeamSimulator
) -> None:
    starts, ends, later = local(1), local(3), local(5)
    created = await act(
        hass,
        "create_access_code",
        name="Stay",
        code="4829",
        starts_at=picked(starts),
        ends_at=picked(ends),
    )
    await act(
        hass,
        "update_access_code",
        access_code_id=created["access_code"]["access_code_id"],
        ends_at=picked(later),
    )
    body = sent(simulator, "/access_codes/update")[0]
    assert (body["starts_at"], body["ends_at"]) == (seam_time(starts), seam_time(later))
    listed = (await act(hass, "list_access_codes"))["access_codes"][0]
    assert (listed["starts_at"], listed["ends_at"]) == (starts.isoformat(), later.isoformat())


async def test_renaming_a_time_bound_code_keeps_its_window(
    hass: HomeAssistant, loaded: MockConfigEntry, simulator: SeamSimulator
) -> None:
    starts, ends = local(1), local(3)
    await act(
        hass,
        "create_access_code",
        name="Stay",
        code="4829",
        starts_at=picked(starts),
        ends_at=picked(ends),
    )
    await act(hass, "update_access_code", name="Stay", new_name="Long stay")
    body = sent(simulator, "/access_codes/update")[0]
    assert (body["starts_at"], body["ends_at"]) == (seam_time(starts), seam_time(ends))
    listed = (await act(hass, "list_access_codes"))["access_codes"][0]
    assert (listed["name"], listed["type"]) == ("Long stay", "time_bound")


async def test_delete_by_name_or_by_id_takes_the_code_off_the_lock(
    hass: HomeAssistant, loaded: MockConfigEntry, simulator: SeamSimulator
) -> None:
    await act(hass, "create_access_code", name="Anna", code="4829")
    ben = await act(hass, "create_access_code", name="Ben", code="5830")
    await act(hass, "delete_access_code", name="Anna")
    assert await names(hass) == ["Ben"]
    await act(hass, "delete_access_code", access_code_id=ben["access_code"]["access_code_id"])
    assert await names(hass) == []
    assert simulator.request_count("/access_codes/delete") == 2


@pytest.mark.parametrize(
    ("lock", "data", "key", "words"),
    [
        (
            {"can_program_online_access_codes": None},
            {},
            "access_codes_not_supported",
            "Seam cannot program access codes on Front Door",
        ),
        ({}, {"code": "12ab"}, "access_code_not_digits", "only contain the digits 0 to 9"),
        (
            {},
            {"code": "482"},
            "access_code_wrong_length",
            "takes codes of 4, 5, 6, 7, 8, 9 digits; this code has 3",
        ),
        (
            {"properties": {"supported_code_lengths": [6]}},
            {"code": "4829"},
            "access_code_wrong_length",
            "takes codes of 6 digits; this code has 4",
        ),
        (
            {"properties": {"code_constraints": [{"constraint_type": "cannot_specify_pin_code"}]}},
            {"code": "4829"},
            "access_code_cannot_specify_pin_code",
            "leave the code out",
        ),
        (
            {},
            {"starts_at": picked(local(1))},
            "access_code_window_incomplete",
            "needs both a start and an end",
        ),
        (
            {},
            {"ends_at": picked(local(1))},
            "access_code_window_incomplete",
            "needs both a start and an end",
        ),
        (
            {},
            {"starts_at": picked(local(2)), "ends_at": picked(local(1))},
            "access_code_window_reversed",
            "must come after its start",
        ),
        (
            {},
            {"starts_at": picked(local(-3)), "ends_at": picked(local(-1))},
            "access_code_window_past",
            "is already over: it would never open Front Door",
        ),
        (
            {"properties": {"code_constraints": [{"constraint_type": "start_date_in_future"}]}},
            {"starts_at": picked(local(-1)), "ends_at": picked(local(1))},
            "access_code_start_date_in_future",
            "to start in the future",
        ),
    ],
    ids=[
        "cannot-program",
        "letters",
        "too-short",
        "device-lengths",
        "lock-picks-code",
        "start-only",
        "end-only",
        "end-first",
        "past",
        "start-passed",
    ],
)
async def test_input_the_lock_would_refuse_is_refused_before_sending(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    config_entry: MockConfigEntry,
    lock: dict[str, Any],
    data: dict[str, str],
    key: str,
    words: str,
) -> None:
    simulator.add_lock("Front Door", **lock)
    await setup_integration(hass, config_entry)
    with pytest.raises(ServiceValidationError, match=words) as caught:
        await act(hass, "create_access_code", name="Guest", **data)
    assert caught.value.translation_key == key
    assert simulator.request_count("/access_codes/create") == 0


async def test_codes_on_a_lock_seam_cannot_program_now_are_refused_with_seams_reason(
    hass: HomeAssistant, simulator: SeamSimulator, config_entry: MockConfigEntry
) -> None:
    """The lock takes codes, but its keypad is disconnected: Seam's flag is `false`."""
    simulator.add_lock(
        "Front Door",
        can_program_online_access_codes=False,
        errors=[
            {
                "error_code": "accessory_keypad_disconnected",
                "message": "Accessory keypad disconnected.",
                "is_device_error": True,
            }
        ],
    )
    await setup_integration(hass, config_entry)
    with pytest.raises(HomeAssistantError) as caught:
        await act(hass, "create_access_code", name="Guest", code="4829")
    assert caught.value.translation_key == "access_codes_not_possible_now"
    assert "right now: Accessory keypad disconnected. Nothing" in str(caught.value)
    assert "4829" not in str(caught.value)
    assert simulator.request_count("/access_codes/create") == 0


@pytest.mark.parametrize(
    ("constraint", "refused", "accepted"),
    [
        ("no_zeros", "4820", "4829"),
        ("cannot_start_with_12", "1294", "2194"),
        ("no_triple_consecutive_ints", "91234", "91235"),
        ("no_triple_consecutive_ints", "41111", "41114"),
        ("no_ascending_or_descending_sequence", "9876", "9875"),
        ("at_least_three_unique_digits", "4545", "4546"),
        ("no_all_same_digits", "7777", "7778"),
        ("unique_first_four_digits", "4548", "4568"),
        ("cannot_contain_089", "4829", "4721"),
        ("cannot_contain_0789", "4729", "4621"),
        ("name_length", None, "1234"),
    ],
)
async def test_codes_follow_the_constraints_seam_reports_for_the_lock(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    config_entry: MockConfigEntry,
    constraint: str,
    refused: str | None,
    accepted: str,
) -> None:
    constraints = [{"constraint_type": constraint}]
    simulator.add_lock("Front Door", properties={"code_constraints": constraints})
    await setup_integration(hass, config_entry)
    if refused is not None:
        with pytest.raises(ServiceValidationError, match=r"^Front Door ") as caught:
            await act(hass, "create_access_code", name="Guest", code=refused)
        assert caught.value.translation_key == f"access_code_{constraint}"
        # The user knows the code they typed; the message says why, not the PIN.
        assert refused not in str(caught.value)
        assert simulator.request_count("/access_codes/create") == 0
    response = await act(hass, "create_access_code", name="Guest", code=accepted)
    assert response["access_code"]["code"] == accepted


@pytest.mark.parametrize(
    ("action", "data", "key", "words"),
    [
        (
            "delete_access_code",
            {"name": "Nobody"},
            "access_code_unknown_name",
            "no access code named Nobody. Its codes: Anna, Anna, Ben, Stay",
        ),
        (
            "update_access_code",
            {"name": "Nobody", "code": "9999"},
            "access_code_unknown_name",
            "no access code named Nobody",
        ),
        (
            "delete_access_code",
            {"access_code_id": "nope"},
            "access_code_unknown_id",
            "no access code with the id nope",
        ),
        (
            "update_access_code",
            {"access_code_id": "nope", "new_name": "X"},
            "access_code_unknown_id",
            "no access code with the id nope",
        ),
        (
            "delete_access_code",
            {"name": "anna"},
            "access_code_ambiguous_name",
            "more than one access code named anna",
        ),
        ("delete_access_code", {}, "access_code_identify", "exactly one of the two"),
        (
            "update_access_code",
            {"name": "Ben", "access_code_id": "x", "code": "9999"},
            "access_code_identify",
            "exactly one of the two",
        ),
        (
            "update_access_code",
            {"name": "Ben"},
            "access_code_nothing_to_update",
            "Nothing to change on Front Door",
        ),
        (
            "update_access_code",
            {"name": "Ben", "code": "4829"},
            "access_code_duplicate",
            "This code for Ben is already used on Front Door by the access code Anna",
        ),
        (
            "update_access_code",
            {"name": "Ben", "code": "12"},
            "access_code_wrong_length",
            "this code has 2",
        ),
        (
            "update_access_code",
            {"name": "Stay", "ends_at": picked(local(0.5))},
            "access_code_window_reversed",
            "must come after its start",
        ),
    ],
    ids=[
        "delete-unknown-name",
        "update-unknown-name",
        "delete-unknown-id",
        "update-unknown-id",
        "ambiguous",
        "neither",
        "both",
        "nothing",
        "duplicate",
        "bad-code",
        "end-before-start",
    ],
)
async def test_changing_or_deleting_a_code_that_cannot_be_found_or_changed_is_refused(
    hass: HomeAssistant,
    loaded: MockConfigEntry,
    simulator: SeamSimulator,
    action: str,
    data: dict[str, str],
    key: str,
    words: str,
) -> None:
    await act(hass, "create_access_code", name="Anna", code="4829")
    await act(hass, "create_access_code", name="Anna", code="4830")
    await act(hass, "create_access_code", name="Ben", code="5830")
    await act(
        hass,
        "create_access_code",
        name="Stay",
        code="6931",
        starts_at=picked(local(1)),
        ends_at=picked(local(2)),
    )
    with pytest.raises(ServiceValidationError, match=words) as caught:
        await act(hass, action, **data)
    assert caught.value.translation_key == key
    assert simulator.request_count("/access_codes/update") == 0
    assert simulator.request_count("/access_codes/delete") == 0
    assert len(await names(hass)) == 4


async def test_a_code_already_on_the_lock_names_the_code_it_clashes_with(
    hass: HomeAssistant, loaded: MockConfigEntry, simulator: SeamSimulator
) -> None:
    await act(hass, "create_access_code", name="Guest Anna", code="4829")
    with pytest.raises(
        ServiceValidationError, match="already used on Front Door by the access code Guest Anna"
    ) as caught:
        await act(hass, "create_access_code", name="Cleaner", code="4829")
    assert caught.value.translation_key == "access_code_duplicate"
    assert simulator.request_count("/access_codes/create") == 2
    assert note(hass, "Cleaner") == {
        "title": "Front Door: access code Cleaner failed",
        "message": ANY,
    }
    # The same code on another lock is no clash.
    await act(hass, "create_access_code", name="Cleaner", code="4829", entity_id=BACK)
    assert await names(hass, BACK) == ["Cleaner"]


@pytest.mark.parametrize("list_fails", [False, True], ids=["not-listed", "list-fails"])
async def test_a_clash_seam_cannot_name_repeats_seams_words(
    hass: HomeAssistant, loaded: MockConfigEntry, simulator: SeamSimulator, list_fails: bool
) -> None:
    """Seam saw a clash the list does not show (e.g. a code set at the keypad)."""
    simulator.inject(
        "/access_codes/create",
        Fault(status=409, error_type="duplicate_access_code", message="Code in use by a hub user"),
    )
    if list_fails:
        simulator.inject("/access_codes/list", Fault(status=400))
    with pytest.raises(ServiceValidationError, match="Code in use by a hub user") as caught:
        await act(hass, "create_access_code", name="Guest", code="4829")
    assert caught.value.translation_key == "access_code_duplicate_unnamed"


@pytest.mark.parametrize(
    ("retry_after", "words"), [(42, "Try again in 42 seconds"), (None, "Try again in 60 seconds")]
)
async def test_rate_limited_create_says_when_to_try_again(
    hass: HomeAssistant,
    loaded: MockConfigEntry,
    simulator: SeamSimulator,
    retry_after: float | None,
    words: str,
) -> None:
    simulator.inject("/access_codes/create", Fault(status=429, retry_after=retry_after))
    with pytest.raises(HomeAssistantError, match=words) as caught:
        await act(hass, "create_access_code", name="Guest", code="4829")
    assert caught.value.translation_key == "rate_limited"
    # A write is never sent twice.
    assert simulator.request_count("/access_codes/create") == 1
    found = note(hass, "Guest")
    assert found is not None
    assert words in found["message"]


async def test_a_code_seam_could_not_set_is_reported_until_one_works(
    hass: HomeAssistant, loaded: MockConfigEntry, simulator: SeamSimulator
) -> None:
    simulator.access_codes.outcome = Outcome(
        status="error", error_type="keypad_offline", error_message="The keypad is offline"
    )
    with pytest.raises(HomeAssistantError, match="The keypad is offline") as caught:
        await act(hass, "create_access_code", name="Guest", code="4829")
    assert caught.value.translation_key == "create_access_code_failed"
    assert note(hass, "Guest") == {
        "title": "Front Door: access code Guest failed",
        "message": ANY,
    }
    assert "Seam could not set access code Guest on Front Door" in note(hass, "Guest")["message"]
    listed = (await act(hass, "list_access_codes"))["access_codes"]
    assert listed[0]["errors"] == ["failed_to_set_on_device"]

    simulator.access_codes.outcome = Outcome()
    await act(hass, "update_access_code", name="Guest", code="5830")
    assert note(hass, "Guest") is None


async def test_an_unconfirmed_code_says_it_may_still_be_set(
    hass: HomeAssistant,
    loaded: MockConfigEntry,
    simulator: SeamSimulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(access_codes, "ACCESS_CODE_ATTEMPT_TIMEOUT", 0.5)
    simulator.access_codes.outcome = Outcome(status="never")
    with pytest.raises(HomeAssistantError, match="may still be set") as caught:
        await act(hass, "create_access_code", name="Guest", code="4829")
    assert caught.value.translation_key == "create_access_code_not_confirmed"


async def test_a_failed_delete_warns_that_the_code_may_still_open_the_lock(
    hass: HomeAssistant, loaded: MockConfigEntry, simulator: SeamSimulator
) -> None:
    await act(hass, "create_access_code", name="Guest", code="4829")
    simulator.access_codes.outcome = Outcome(status="error", error_message="Lock unreachable")
    with pytest.raises(HomeAssistantError, match="may still open the lock") as caught:
        await act(hass, "delete_access_code", name="Guest")
    assert caught.value.translation_key == "delete_access_code_failed"
    assert await names(hass) == ["Guest"]
    found = note(hass, "Guest")
    assert found is not None
    assert "Seam could not remove access code Guest from Front Door" in found["message"]


async def test_a_code_deleted_meanwhile_is_reported_as_gone(
    hass: HomeAssistant, loaded: MockConfigEntry, simulator: SeamSimulator
) -> None:
    await act(hass, "create_access_code", name="Guest", code="4829")
    simulator.inject("/access_codes/delete", Fault(status=404, error_type="access_code_not_found"))
    with pytest.raises(HomeAssistantError, match="removed meanwhile") as caught:
        await act(hass, "delete_access_code", name="Guest")
    assert caught.value.translation_key == "access_code_gone"


async def test_seam_rejecting_a_change_or_the_list_is_reported(
    hass: HomeAssistant, loaded: MockConfigEntry, simulator: SeamSimulator
) -> None:
    await act(hass, "create_access_code", name="Guest", code="4829")
    simulator.inject("/access_codes/update", Fault(status=400, message="Provider refused"))
    with pytest.raises(HomeAssistantError, match="Provider refused") as caught:
        await act(hass, "update_access_code", name="Guest", code="5830")
    assert caught.value.translation_key == "update_access_code_rejected"
    simulator.inject("/access_codes/list", Fault(status=400, message="Bad list"))
    with pytest.raises(HomeAssistantError, match="Bad list") as caught:
        await act(hass, "list_access_codes")
    assert caught.value.translation_key == "list_access_codes_rejected"


async def test_a_revoked_key_during_an_access_code_action_starts_reauthentication(
    hass: HomeAssistant, loaded: MockConfigEntry, simulator: SeamSimulator
) -> None:
    simulator.inject("/access_codes/create", Fault(status=401))
    simulator.inject("/devices/list", Fault(status=401))
    with pytest.raises(HomeAssistantError, match="Re-authenticate") as caught:
        await act(hass, "create_access_code", name="Guest", code="4829")
    assert caught.value.translation_key == "command_auth_failed"
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress()
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]


def test_every_action_is_described_translated_and_has_an_icon() -> None:
    root = Path(access_codes.__file__).parent
    described = yaml.safe_load((root / "services.yaml").read_text())
    strings = json.loads((root / "strings.json").read_text())
    assert strings == json.loads((root / "translations" / "en.json").read_text())
    icons = json.loads((root / "icons.json").read_text())["services"]
    actions = {action.value for action in AccessCodeAction}
    assert set(described) == set(strings["services"]) == set(icons) == actions
    schemas = {
        "create_access_code": CREATE_SCHEMA,
        "update_access_code": UPDATE_SCHEMA,
        "delete_access_code": DELETE_SCHEMA,
        "list_access_codes": {},
    }
    for action, description in described.items():
        fields = set(description.get("fields", {}))
        assert fields == set(strings["services"][action].get("fields", {}))
        assert fields == {str(key) for key in schemas[action]}
        assert all("selector" in field for field in description.get("fields", {}).values())


def test_access_codes_parse_whatever_seam_adds_later() -> None:
    code = AccessCode.from_json(
        {
            "access_code_id": "ac_1",
            "device_id": "d_1",
            "status": "paused_by_provider",
            "starts_at": "2030-01-01T10:00:00.000Z",
            "ends_at": "2030-01-02T10:00:00.000Z",
            "errors": [{"error_code": "failed_to_set_on_device"}, "junk", {"message": "no code"}],
            "warnings": None,
            "a_field_seam_adds_later": True,
        }
    )
    assert code.status is AccessCodeStatus.UNKNOWN
    assert (code.type, code.is_time_bound, code.name, code.code) == ("time_bound", True, "", None)
    assert code.errors == ("failed_to_set_on_device",)
    assert code.warnings == ()
    with pytest.raises(SeamServerError, match="access_code_id"):
        AccessCode.from_json({"device_id": "d_1"})
