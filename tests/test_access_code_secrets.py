"""Door codes are secrets: only the create and list responses give a PIN.

Every way an access-code action can fail is driven as the UI drives it (the websocket API, real
Home Assistant, the Seam simulator over HTTP), with PINs whose Seam messages quote them. The
user reads a clear, translated error; the PIN shows in none of what they or a helper could see
later: the error and its placeholders, the notification, the log (at DEBUG, tracebacks
included), the diagnostics.

The PINs have eight digits, so that no hexadecimal request or attempt id contains one by chance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
import json
import logging
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import (
    ClientSessionGenerator,
    MockHAClientWebSocket,
    WebSocketGenerator,
)

from custom_components.seam import access_codes
from custom_components.seam.access_code_rules import CODE_RULES
from custom_components.seam.const import DOMAIN
from homeassistant.components.persistent_notification import (
    _async_get_or_create_notifications as notifications,
)
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from tests.conftest import setup_integration
from tests.simulator import Fault, Outcome, SeamSimulator
from tests.simulator.access_codes import SimAccessCode

FRONT = "lock.front_door"
RESPONDING = {"create_access_code", "list_access_codes"}
ON_LOCK = "73152946"
"""The PIN of the code "Guest" already on the lock."""
NEW = "46153792"
"""The PIN the user types."""
OTHER = "59371642"
"""The PIN of a second code on the lock, where a case needs one."""


def picked(days: float) -> str:
    """A time `days` from now as the UI's date-time picker sends it."""
    return (dt_util.now() + timedelta(days=days)).strftime("%Y-%m-%d %H:%M:%S")


@dataclass(frozen=True)
class Case:
    """An access-code action that fails, and what the user reads about it."""

    action: str
    data: dict[str, Any]
    key: str
    words: str = "Front Door"
    """Words of the message: what the user learns (a masked PIN where Seam quoted one)."""
    lock: dict[str, Any] = field(default_factory=dict)
    """Seam's fields of the lock, e.g. its code constraints."""
    codes: dict[str, str] = field(default_factory=lambda: {"Guest": ON_LOCK})
    """The codes on the lock before the action: name to PIN."""
    faults: dict[str, Fault] = field(default_factory=dict)
    outcome: Outcome | None = None
    """How Seam's action attempts for access codes end."""
    notified: bool = False
    """Seam was asked and failed: a notification tells of it too."""


def case(
    name: str, action: str, data: dict[str, Any], key: str, words: str = "Front Door", **kw: Any
) -> Any:
    """One test case, named `name` in the test ids."""
    return pytest.param(Case(action, data, key, words, **kw), id=name)


def constrained(*constraints: str) -> dict[str, Any]:
    """A lock's fields with these code constraints."""
    return {"properties": {"code_constraints": [{"constraint_type": c} for c in constraints]}}


def seam_fails(path: str, status: int, message: str | None = None, **fields: Any) -> dict[str, Any]:
    """Seam answers the next request to `path` with this error; `notified` follows."""
    return {"faults": {path: Fault(status=status, message=message, **fields)}, "notified": True}


def attempt_fails(message: str) -> dict[str, Any]:
    """Seam's action attempt ends with this error; `notified` follows."""
    return {"outcome": Outcome(status="error", error_message=message), "notified": True}


NOT_CONFIRMED: dict[str, Any] = {"outcome": Outcome(status="never"), "notified": True}
# For each rule a lock may have, a PIN that breaks it.
RULE_BREAKERS = {
    "no_zeros": "73150946",
    "cannot_start_with_12": "12739546",
    "no_triple_consecutive_ints": "73145676",
    "no_ascending_or_descending_sequence": "98765432",
    "at_least_three_unique_digits": "47744774",
    "no_all_same_digits": "77777777",
    "unique_first_four_digits": "73739546",
    "cannot_contain_089": "73158946",
    "cannot_contain_0789": "73152746",
}
CREATE, UPDATE, DELETE, LIST = (
    "create_access_code",
    "update_access_code",
    "delete_access_code",
    "list_access_codes",
)
TYPED = {"name": "Cleaner", "code": NEW}
CHANGED = {"name": "Guest", "code": NEW}
GUEST = {"name": "Guest"}
TWO_CODES = {"Guest": ON_LOCK, "Anna": OTHER}

CASES = [
    *(
        case(
            rule,
            CREATE,
            {"name": "Cleaner", "code": pin},
            f"access_code_{rule}",
            lock=constrained(rule),
        )
        for rule, pin in RULE_BREAKERS.items()
    ),
    # Refused before anything is sent.
    case("letters", CREATE, {"name": "Cleaner", "code": "7315x2946"}, "access_code_not_digits"),
    case(
        "too-long",
        CREATE,
        {"name": "Cleaner", "code": "7315294613"},
        "access_code_wrong_length",
        "this code has 10",
    ),
    case(
        "lock-lengths",
        CREATE,
        TYPED,
        "access_code_wrong_length",
        "takes codes of 6 digits; this code has 8",
        lock={"properties": {"supported_code_lengths": [6]}},
    ),
    case(
        "lock-picks-code",
        CREATE,
        TYPED,
        "access_code_cannot_specify_pin_code",
        lock=constrained("cannot_specify_pin_code"),
    ),
    case(
        "cannot-program",
        CREATE,
        TYPED,
        "access_codes_not_supported",
        lock={"can_program_online_access_codes": None},
    ),
    case(
        "not-now",
        CREATE,
        TYPED,
        "access_codes_not_possible_now",
        lock={"can_program_online_access_codes": False},
    ),
    case("start-only", CREATE, {**TYPED, "starts_at": picked(1)}, "access_code_window_incomplete"),
    case(
        "end-first",
        CREATE,
        {**TYPED, "starts_at": picked(2), "ends_at": picked(1)},
        "access_code_window_reversed",
        "must come after its start",
    ),
    case(
        "past",
        CREATE,
        {**TYPED, "starts_at": picked(-2), "ends_at": picked(-1)},
        "access_code_window_past",
    ),
    case(
        "start-passed",
        CREATE,
        {**TYPED, "starts_at": picked(-1), "ends_at": picked(1)},
        "access_code_start_date_in_future",
        lock=constrained("start_date_in_future"),
    ),
    case(
        "update-clash",
        UPDATE,
        {"name": "Anna", "code": ON_LOCK},
        "access_code_duplicate",
        "This code for Anna is already used on Front Door by the access code Guest",
        codes=TWO_CODES,
    ),
    case(
        "unknown-name",
        DELETE,
        {"name": "Nobody"},
        "access_code_unknown_name",
        "Its codes: Anna, Guest",
        codes=TWO_CODES,
    ),
    case(
        "unnamed-known",
        DELETE,
        {"name": "Nobody"},
        "access_code_unknown_name",
        "Its codes: Guest, …2",
        codes={"Guest": ON_LOCK, "": OTHER},
    ),
    case("unknown-id", UPDATE, {"access_code_id": "nope", "code": NEW}, "access_code_unknown_id"),
    case(
        "ambiguous",
        DELETE,
        {"name": "guest"},
        "access_code_ambiguous_name",
        codes={"Guest": ON_LOCK, "GUEST": OTHER},
    ),
    case("id-and-name", UPDATE, {**CHANGED, "access_code_id": "code_1"}, "access_code_identify"),
    case("nothing", UPDATE, GUEST, "access_code_nothing_to_update"),
    # Seam refuses (its messages quoting the PIN), or the lock is not programmed.
    case(
        "clash",
        CREATE,
        {"name": "Cleaner", "code": ON_LOCK},
        "access_code_duplicate",
        "This code for Cleaner is already used on Front Door by the access code Guest",
        notified=True,
    ),
    case(
        "unnamed-clash",
        CREATE,
        {"name": "Cleaner", "code": ON_LOCK},
        "access_code_duplicate",
        "by the access code …6",
        codes={"": ON_LOCK},
        notified=True,
    ),
    case(
        "clash-seam-cannot-name",
        CREATE,
        TYPED,
        "access_code_duplicate_unnamed",
        "Code …2 is in use by a hub user",
        **seam_fails(
            "/access_codes/create",
            409,
            f"Code {NEW} is in use by a hub user",
            error_type="duplicate_access_code",
        ),
    ),
    case(
        "create-rejected",
        CREATE,
        TYPED,
        "create_access_code_rejected",
        "Cleaner for Front Door: Code …2 is too weak",
        **seam_fails("/access_codes/create", 400, f"Code {NEW} is too weak"),
    ),
    case(
        "create-failed",
        CREATE,
        TYPED,
        "create_access_code_failed",
        "Cleaner on Front Door: The lock refused …2",
        **attempt_fails(f"The lock refused {NEW}"),
    ),
    case(
        "create-not-confirmed",
        CREATE,
        TYPED,
        "create_access_code_not_confirmed",
        "It may still be set",
        **NOT_CONFIRMED,
    ),
    case(
        "rate-limited",
        CREATE,
        TYPED,
        "rate_limited",
        "Try again in 42 seconds",
        **seam_fails("/access_codes/create", 429, f"Slow down with {NEW}", retry_after=42),
    ),
    case(
        "server-error",
        CREATE,
        TYPED,
        "server_error",
        "Front Door: Could not store …2",
        **seam_fails("/access_codes/create", 500, f"Could not store {NEW}"),
    ),
    case(
        "unreachable",
        CREATE,
        TYPED,
        "cannot_connect",
        "Could not reach Seam",
        faults={"/access_codes/create": Fault(drop=True)},
        notified=True,
    ),
    case(
        "key-revoked",
        CREATE,
        TYPED,
        "command_auth_failed",
        "Re-authenticate",
        **seam_fails("/access_codes/create", 401, f"No key for {NEW}"),
    ),
    case(
        "lock-gone",
        CREATE,
        TYPED,
        "device_not_found",
        "no longer knows Front Door",
        **seam_fails(
            "/access_codes/create", 404, f"No lock for {NEW}", error_type="device_not_found"
        ),
    ),
    case(
        "update-rejected",
        UPDATE,
        CHANGED,
        "update_access_code_rejected",
        "Guest on Front Door: …6 cannot become …2",
        **seam_fails("/access_codes/update", 400, f"{ON_LOCK} cannot become {NEW}"),
    ),
    case(
        "update-failed",
        UPDATE,
        CHANGED,
        "update_access_code_failed",
        "Guest on Front Door: Could not replace …6 by …2",
        **attempt_fails(f"Could not replace {ON_LOCK} by {NEW}"),
    ),
    case(
        "update-not-confirmed", UPDATE, CHANGED, "update_access_code_not_confirmed", **NOT_CONFIRMED
    ),
    case(
        "update-gone",
        UPDATE,
        CHANGED,
        "access_code_gone",
        "access code Guest on Front Door",
        **seam_fails(
            "/access_codes/update", 404, f"No code {ON_LOCK}", error_type="access_code_not_found"
        ),
    ),
    case(
        "delete-rejected",
        DELETE,
        GUEST,
        "delete_access_code_rejected",
        "Guest from Front Door: …6 is held",
        **seam_fails("/access_codes/delete", 400, f"{ON_LOCK} is held"),
    ),
    case(
        "delete-failed",
        DELETE,
        GUEST,
        "delete_access_code_failed",
        "Guest from Front Door: Could not remove …6",
        **attempt_fails(f"Could not remove {ON_LOCK}"),
    ),
    case(
        "delete-not-confirmed", DELETE, GUEST, "delete_access_code_not_confirmed", **NOT_CONFIRMED
    ),
    case(
        "unnamed-gone",
        DELETE,
        {"access_code_id": "code_1"},
        "access_code_gone",
        "access code …6 on Front Door",
        codes={"": ON_LOCK},
        **seam_fails(
            "/access_codes/delete", 404, f"No code {ON_LOCK}", error_type="access_code_not_found"
        ),
    ),
    case(
        "list-rejected",
        LIST,
        {},
        "list_access_codes_rejected",
        "Front Door: Bad list",
        faults={"/access_codes/list": Fault(status=400, message="Bad list")},
    ),
    case(
        "list-fails-first",
        UPDATE,
        CHANGED,
        "list_access_codes_rejected",
        faults={"/access_codes/list": Fault(status=400)},
    ),
]


def test_every_rule_of_the_lock_is_driven_with_a_pin_that_breaks_it() -> None:
    assert set(RULE_BREAKERS) == set(CODE_RULES)
    assert all(CODE_RULES[rule](pin) for rule, pin in RULE_BREAKERS.items())


@pytest.fixture
async def ws_client(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator
) -> MockHAClientWebSocket:
    """The websocket the UI calls actions over.

    The components with HTTP views (diagnostics, and webhook, which Seam's integration needs)
    are set up first: views cannot be added once the server runs.
    """
    assert await async_setup_component(hass, "webhook", {})
    assert await async_setup_component(hass, "diagnostics", {})
    return await hass_ws_client(hass)


async def call(ws: MockHAClientWebSocket, action: str, data: dict[str, Any]) -> dict[str, Any]:
    """Call an action on the Front Door as the UI does; return the websocket's answer."""
    await ws.send_json_auto_id(
        {
            "type": "call_service",
            "domain": DOMAIN,
            "service": action,
            "target": {"entity_id": FRONT},
            "service_data": data,
            "return_response": action in RESPONDING,
        }
    )
    answer: dict[str, Any] = await ws.receive_json()
    return answer


async def seen_afterwards(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    caplog: pytest.LogCaptureFixture,
    entry: MockConfigEntry,
) -> dict[str, str]:
    """What the user or a helper can read once the action is over, place by place."""
    return {
        "notifications": json.dumps(
            list(notifications(hass).values()), default=str, ensure_ascii=False
        ),
        "log": caplog.text,
        "diagnostics": json.dumps(
            await get_diagnostics_for_config_entry(hass, hass_client, entry), ensure_ascii=False
        ),
    }


@pytest.mark.parametrize("case", CASES)
async def test_a_failed_access_code_action_says_why_without_the_pin(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    config_entry: MockConfigEntry,
    ws_client: MockHAClientWebSocket,
    hass_client: ClientSessionGenerator,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    case: Case,
) -> None:
    monkeypatch.setattr(access_codes, "ACCESS_CODE_ATTEMPT_TIMEOUT", 0.5)
    simulator.add_lock("Front Door", device_id="front_door_id", **case.lock)
    for number, (name, pin) in enumerate(case.codes.items(), start=1):
        code = SimAccessCode(f"code_{number}", "front_door_id", name, pin, is_set=True)
        simulator.access_codes.by_id[code.access_code_id] = code
    await setup_integration(hass, config_entry)
    caplog.set_level(logging.DEBUG)
    for path, fault in case.faults.items():
        simulator.inject(path, fault)
    if case.outcome is not None:
        simulator.access_codes.outcome = case.outcome

    answer = await call(ws_client, case.action, case.data)
    await hass.async_block_till_done()

    assert not answer["success"]
    error = answer["error"]
    assert error["translation_key"] == case.key
    message = error["message"]
    assert case.words in message
    assert "{" not in message  # every placeholder filled: a sentence, not a template
    placeholders = json.dumps(error["translation_placeholders"], ensure_ascii=False)
    places = {"message": message, "placeholders": placeholders}
    places |= await seen_afterwards(hass, hass_client, caplog, config_entry)
    # The places are read for real: Home Assistant logged the error the user saw.
    assert message.removeprefix("Validation error: ") in places["log"]
    assert ("Front Door: access code" in places["notifications"]) is case.notified
    pins = {case.data.get("code"), *case.codes.values()} - {None}
    assert {pin: [place for place, text in places.items() if pin in text] for pin in pins} == {
        pin: [] for pin in pins
    }


async def test_the_create_and_list_responses_give_the_pin_and_nothing_else_does(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    config_entry: MockConfigEntry,
    ws_client: MockHAClientWebSocket,
    hass_client: ClientSessionGenerator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    simulator.add_lock("Front Door", device_id="front_door_id")
    await setup_integration(hass, config_entry)
    caplog.set_level(logging.DEBUG)

    created = await call(ws_client, "create_access_code", {"name": "Guest", "code": NEW})
    listed = await call(ws_client, "list_access_codes", {})

    assert created["result"]["response"][FRONT]["access_code"]["code"] == NEW
    assert [c["code"] for c in listed["result"]["response"][FRONT]["access_codes"]] == [NEW]
    places = {"create response": json.dumps(created), "list response": json.dumps(listed)}
    places |= await seen_afterwards(hass, hass_client, caplog, config_entry)
    assert "/access_codes/create -> 200" in places["log"]
    # The search that finds no PIN elsewhere finds it where it belongs.
    assert [place for place, text in places.items() if NEW in text] == [
        "create response",
        "list response",
    ]
