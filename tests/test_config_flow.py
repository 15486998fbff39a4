"""The config flow as a user meets it: real Home Assistant, the Seam simulator over HTTP.

Nothing of the Seam client or aiohttp is mocked: every key is checked by a real
`/workspaces/get` against `tests/simulator` on 127.0.0.1. Entries the flow creates are set up by
Home Assistant (which lists the simulator's devices); each test waits for that to finish.

The user and reconfigure forms ask for the API key and keep the API URL in a collapsed
"advanced" section; the user submits `{"api_key": ..., "advanced": {"api_url": ...}}`. The entry
stores the flat `{api_key, api_url}` (plus, once set up, its webhook fields).
"""

from __future__ import annotations

from collections.abc import Iterator
import json
from pathlib import Path
import socket
from typing import Any

import probatio
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.seam import config_flow
from custom_components.seam.config_flow import SECTION_ADVANCED
from custom_components.seam.const import (
    CONF_API_URL,
    CONF_SEAM_WEBHOOK_ID,
    CONF_WEBHOOK_SECRET,
    DEFAULT_API_URL,
    DOMAIN,
)
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState, ConfigFlowResult
from homeassistant.const import CONF_API_KEY, CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, section
from homeassistant.helpers.selector import TextSelector
from tests.conftest import setup_integration
from tests.simulator import Fault, SeamSimulator

WRONG_KEY = "seam_wrong_0000000000000000"
OTHER_KEY = "seam_other_workspace_key_0001"
ROTATED_KEY = "seam_rotated_key_0000000000"
REVOKED_KEY = "seam_revoked_key_000000000"
OUTAGE = Fault(status=503, body=b"")
STRINGS = Path(config_flow.__file__).with_name("strings.json")
CLOSED_PORT = "closed port"
"""Stands for `_closed_port_url()` in parameters (the port is only known in the test)."""


@pytest.fixture(autouse=True)
def no_show_advanced_options(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """No flow step may read the deprecated `show_advanced_options` (removed in 2027.6)."""
    yield
    # At teardown `caplog.text` holds only the teardown's records: look at the test's own.
    messages = [
        record.getMessage() for when in ("setup", "call") for record in caplog.get_records(when)
    ]
    assert not [message for message in messages if "show_advanced_options" in message]


def _fields(schema: probatio.Schema) -> dict[str, Any]:
    """A form's fields, by name, in order, with their pre-filled value (None when empty).

    A section shows as the dict of its own fields.
    """
    fields: dict[str, Any] = {}
    for marker, value in schema.schema.items():
        if isinstance(value, section):
            fields[str(marker)] = _fields(value.schema)
        else:
            fields[str(marker)] = marker.default() if callable(marker.default) else None
    return fields


def _selector_type(schema: probatio.Schema, name: str) -> str:
    """The text selector type ("password", "url") of the field `name`."""
    [value] = [value for marker, value in schema.schema.items() if str(marker) == name]
    assert isinstance(value, TextSelector)
    return str(value.config["type"])


def _assert_form(
    result: ConfigFlowResult, step_id: str, *, url: str, errors: dict[str, str] | None = None
) -> None:
    """The key form: an empty key, then the collapsed "advanced" section holding `url`."""
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == step_id
    assert result["errors"] == (errors or {})
    schema = result["data_schema"]
    # The key is never shown back; the URL keeps what the user typed (or what is in use).
    assert _fields(schema) == {CONF_API_KEY: None, SECTION_ADVANCED: {CONF_API_URL: url}}
    assert list(_fields(schema)) == [CONF_API_KEY, SECTION_ADVANCED]
    [advanced] = [value for marker, value in schema.schema.items() if isinstance(value, section)]
    # Most users never need another server: the section starts collapsed.
    assert advanced.options == {"collapsed": True}
    assert _selector_type(schema, CONF_API_KEY) == "password"
    assert _selector_type(advanced.schema, CONF_API_URL) == "url"


def _closed_port_url() -> str:
    """A URL on 127.0.0.1 where nothing listens (connections are refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def _form_input(api_key: str, api_url: str | None = None) -> dict[str, Any]:
    """What the frontend submits: the key, and the URL inside the "advanced" section."""
    advanced = {} if api_url is None else {CONF_API_URL: api_url}
    return {CONF_API_KEY: api_key, SECTION_ADVANCED: advanced}


async def _start_user_flow(hass: HomeAssistant) -> ConfigFlowResult:
    return await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})


async def _configure(
    hass: HomeAssistant, flow_id: str, user_input: dict[str, Any]
) -> ConfigFlowResult:
    result = await hass.config_entries.flow.async_configure(flow_id, user_input)
    # Let the entry the flow created or reloaded finish its setup (background tasks included).
    await hass.async_block_till_done(wait_background_tasks=True)
    return result


def _credentials(entry: MockConfigEntry) -> dict[str, Any]:
    """The key and URL an entry uses (setup adds its own keys, e.g. the webhook id)."""
    return {key: entry.data.get(key) for key in (CONF_API_KEY, CONF_API_URL)}


def _entries(hass: HomeAssistant) -> list[Any]:
    return hass.config_entries.async_entries(DOMAIN)


# --- Adding a workspace (user step) ---------------------------------------------------------


@pytest.mark.parametrize("step_id", ["user", "reconfigure"])
def test_the_advanced_section_is_named_and_its_url_field_labelled_in_the_translations(
    step_id: str,
) -> None:
    strings = json.loads(STRINGS.read_text(encoding="utf-8"))
    step = strings["config"]["step"][step_id]

    assert SECTION_ADVANCED == "advanced"
    assert set(step["data"]) == {CONF_API_KEY}
    advanced = step["sections"][SECTION_ADVANCED]
    assert advanced["name"]
    assert set(advanced["data"]) == set(advanced["data_description"]) == {CONF_API_URL}


async def test_form_asks_for_the_key_and_keeps_the_url_in_a_collapsed_advanced_section(
    hass: HomeAssistant,
) -> None:
    result = await _start_user_flow(hass)

    _assert_form(result, "user", url=DEFAULT_API_URL)


async def test_a_valid_key_creates_an_entry_named_after_the_workspace(
    hass: HomeAssistant, simulator: SeamSimulator
) -> None:
    simulator.add_lock("Front Door")
    flow = await _start_user_flow(hass)

    result = await _configure(hass, flow["flow_id"], _form_input(simulator.api_key, simulator.url))

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == simulator.workspace_name
    # Flat data: the section is the form's layout, not the entry's.
    assert result["data"] == {CONF_API_KEY: simulator.api_key, CONF_API_URL: simulator.url}
    assert simulator.request_count("/workspaces/get") == 1
    [entry] = _entries(hass)
    assert entry.unique_id == simulator.workspace_id
    assert entry.title == simulator.workspace_name
    assert entry.state is ConfigEntryState.LOADED
    assert hass.states.get("lock.front_door") is not None


async def test_spaces_and_line_breaks_pasted_around_the_key_and_url_are_removed(
    hass: HomeAssistant, simulator: SeamSimulator
) -> None:
    flow = await _start_user_flow(hass)

    result = await _configure(
        hass,
        flow["flow_id"],
        _form_input(f"  {simulator.api_key}\n\t", f" {simulator.url}\n"),
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {CONF_API_KEY: simulator.api_key, CONF_API_URL: simulator.url}
    [entry] = _entries(hass)
    assert entry.state is ConfigEntryState.LOADED


@pytest.mark.parametrize(
    "user_input",
    [
        pytest.param({SECTION_ADVANCED: {}}, id="section left untouched (empty)"),
        pytest.param({SECTION_ADVANCED: {CONF_API_URL: ""}}, id="URL cleared"),
        pytest.param({}, id="section omitted"),
        pytest.param({SECTION_ADVANCED: {CONF_API_URL: "  "}}, id="URL of only spaces"),
    ],
)
async def test_without_a_url_in_the_section_the_entry_uses_the_default_api_url(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    monkeypatch: pytest.MonkeyPatch,
    user_input: dict[str, Any],
) -> None:
    # The default is Seam's cloud, unreachable from tests: point the default at the simulator
    # to see that a form without a URL checks the key there and stores that URL.
    monkeypatch.setattr(config_flow, "DEFAULT_API_URL", simulator.url)
    flow = await _start_user_flow(hass)

    result = await _configure(hass, flow["flow_id"], {CONF_API_KEY: simulator.api_key} | user_input)

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {CONF_API_KEY: simulator.api_key, CONF_API_URL: simulator.url}
    assert simulator.request_count("/workspaces/get") == 1
    [entry] = _entries(hass)
    assert entry.state is ConfigEntryState.LOADED


@pytest.mark.parametrize(
    ("faults", "wrong_key", "wrong_url", "error"),
    [
        pytest.param((), WRONG_KEY, None, "invalid_auth", id="wrong key"),
        pytest.param(
            (OUTAGE, OUTAGE), None, None, "cannot_connect", id="Seam outage (503, empty body) twice"
        ),
        pytest.param((), None, CLOSED_PORT, "cannot_connect", id="nothing listens"),
        pytest.param((), None, "not a url", "cannot_connect", id="URL that is not one"),
        pytest.param(
            (Fault(status=429, retry_after=120),), None, None, "cannot_connect", id="rate limited"
        ),
        pytest.param(
            (Fault(status=200, body=b'{"workspace": {}, "ok": true}'),),
            None,
            None,
            "cannot_connect",
            id="answer without workspace_id",
        ),
        pytest.param(
            (Fault(status=200, body=b"<html>proxy</html>"),) * 2,
            None,
            None,
            "cannot_connect",
            id="answer not JSON",
        ),
        pytest.param(
            (Fault(status=400, error_type="missing_workspace_id"),),
            None,
            None,
            "invalid_auth",
            id="unknown key on Seam's fake (400 missing_workspace_id)",
        ),
        pytest.param((Fault(status=418),), None, None, "unknown", id="unexpected status 418"),
        pytest.param((Fault(status=409),), None, None, "unknown", id="conflict 409"),
        pytest.param((Fault(status=400),), None, None, "unknown", id="invalid input 400"),
    ],
)
async def test_an_error_is_shown_on_the_form_and_corrected_input_then_creates_the_entry(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    caplog: pytest.LogCaptureFixture,
    faults: tuple[Fault, ...],
    wrong_key: str | None,
    wrong_url: str | None,
    error: str,
) -> None:
    if wrong_url == CLOSED_PORT:
        wrong_url = _closed_port_url()
    typed_url = wrong_url or simulator.url
    simulator.inject("/workspaces/get", *faults)
    flow = await _start_user_flow(hass)

    result = await _configure(
        hass, flow["flow_id"], _form_input(wrong_key or simulator.api_key, typed_url)
    )

    _assert_form(result, "user", url=typed_url, errors={"base": error})
    assert _entries(hass) == []
    # Only answers nobody expects are logged with their traceback.
    logged = "Unexpected answer from Seam while checking the API key" in caplog.text
    assert logged is (error == "unknown")

    result = await _configure(hass, flow["flow_id"], _form_input(simulator.api_key, simulator.url))

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == simulator.workspace_name
    assert result["data"] == {CONF_API_KEY: simulator.api_key, CONF_API_URL: simulator.url}
    [entry] = _entries(hass)
    assert entry.state is ConfigEntryState.LOADED


@pytest.mark.parametrize(
    "api_key",
    [
        pytest.param("seam_testsim\n0123456789abcdef", id="line break inside"),
        pytest.param("seam_testsim 0123456789abcdef", id="space inside"),
        pytest.param("seam_testsim\t0123456789abcdef", id="tab inside"),
        pytest.param("seam_testsim\x000123456789abcdef", id="control character inside"),
        pytest.param("seam_testsim\u20280123456789abcdef", id="Unicode line separator inside"),
        pytest.param(" \n ", id="only blanks"),
    ],
)
async def test_a_key_with_blanks_or_control_characters_inside_is_invalid_auth_unsent(
    hass: HomeAssistant, simulator: SeamSimulator, api_key: str
) -> None:
    flow = await _start_user_flow(hass)

    result = await _configure(hass, flow["flow_id"], _form_input(api_key, simulator.url))

    # No crash building the Authorization header, and no request with a broken key.
    _assert_form(result, "user", url=simulator.url, errors={"base": "invalid_auth"})
    assert simulator.request_count() == 0
    assert _entries(hass) == []


async def test_a_single_seam_hiccup_is_retried_without_showing_an_error(
    hass: HomeAssistant, simulator: SeamSimulator
) -> None:
    simulator.inject("/workspaces/get", OUTAGE)
    flow = await _start_user_flow(hass)

    result = await _configure(hass, flow["flow_id"], _form_input(simulator.api_key, simulator.url))

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert simulator.request_count("/workspaces/get") == 2


async def test_adding_a_workspace_that_is_already_set_up_aborts(
    hass: HomeAssistant, simulator: SeamSimulator, config_entry: MockConfigEntry
) -> None:
    config_entry.add_to_hass(hass)
    flow = await _start_user_flow(hass)

    result = await _configure(hass, flow["flow_id"], _form_input(simulator.api_key, simulator.url))

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert _entries(hass) == [config_entry]


# --- Re-authentication -------------------------------------------------------------------------


@pytest.fixture
def revoked_entry(hass: HomeAssistant, simulator: SeamSimulator) -> MockConfigEntry:
    """The simulator's workspace, stored with a key Seam no longer accepts (not set up)."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=simulator.workspace_name,
        unique_id=simulator.workspace_id,
        data={CONF_API_KEY: REVOKED_KEY, CONF_API_URL: simulator.url},
    )
    entry.add_to_hass(hass)
    return entry


async def test_reauth_asks_only_for_a_new_key_naming_the_workspace(
    hass: HomeAssistant, simulator: SeamSimulator, revoked_entry: MockConfigEntry
) -> None:
    result = await revoked_entry.start_reauth_flow(hass)

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reauth_confirm"
    assert result["errors"] == {}
    assert result["description_placeholders"]["workspace"] == simulator.workspace_name
    # Re-authentication is about the key: no "advanced" section with the URL.
    assert _fields(result["data_schema"]) == {CONF_API_KEY: None}
    assert _selector_type(result["data_schema"], CONF_API_KEY) == "password"


async def test_reauth_with_a_wrong_key_shows_invalid_auth_and_the_right_key_then_succeeds(
    hass: HomeAssistant, simulator: SeamSimulator, revoked_entry: MockConfigEntry
) -> None:
    simulator.add_lock("Front Door")
    flow = await revoked_entry.start_reauth_flow(hass)

    result = await _configure(hass, flow["flow_id"], {CONF_API_KEY: WRONG_KEY})

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reauth_confirm"
    assert result["errors"] == {"base": "invalid_auth"}
    assert _fields(result["data_schema"]) == {CONF_API_KEY: None}

    result = await _configure(hass, flow["flow_id"], {CONF_API_KEY: simulator.api_key})

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    # The key is checked, and stored, with the entry's URL.
    assert _credentials(revoked_entry) == {
        CONF_API_KEY: simulator.api_key,
        CONF_API_URL: simulator.url,
    }
    # The entry is reloaded with the new key.
    assert revoked_entry.state is ConfigEntryState.LOADED
    assert hass.states.get("lock.front_door") is not None


async def test_reauth_during_a_seam_outage_shows_cannot_connect(
    hass: HomeAssistant, simulator: SeamSimulator, revoked_entry: MockConfigEntry
) -> None:
    simulator.inject("/workspaces/get", OUTAGE, OUTAGE)
    flow = await revoked_entry.start_reauth_flow(hass)

    result = await _configure(hass, flow["flow_id"], {CONF_API_KEY: simulator.api_key})

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}
    assert revoked_entry.data[CONF_API_KEY] == REVOKED_KEY


async def test_reauth_with_a_line_break_inside_the_key_shows_invalid_auth_unsent(
    hass: HomeAssistant, simulator: SeamSimulator, revoked_entry: MockConfigEntry
) -> None:
    flow = await revoked_entry.start_reauth_flow(hass)

    result = await _configure(hass, flow["flow_id"], {CONF_API_KEY: "seam_testsim\n0123456789"})

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}
    assert simulator.request_count() == 0
    assert revoked_entry.data[CONF_API_KEY] == REVOKED_KEY


async def test_reauth_stores_the_new_key_without_surrounding_spaces(
    hass: HomeAssistant, simulator: SeamSimulator, revoked_entry: MockConfigEntry
) -> None:
    flow = await revoked_entry.start_reauth_flow(hass)

    result = await _configure(hass, flow["flow_id"], {CONF_API_KEY: f" {simulator.api_key}\n"})

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert revoked_entry.data[CONF_API_KEY] == simulator.api_key
    assert revoked_entry.state is ConfigEntryState.LOADED


async def test_reauth_with_a_key_of_another_workspace_aborts_with_wrong_account(
    hass: HomeAssistant, simulator: SeamSimulator, revoked_entry: MockConfigEntry
) -> None:
    flow = await revoked_entry.start_reauth_flow(hass)
    # The server now answers OTHER_KEY, which belongs to a different workspace.
    simulator.api_key = OTHER_KEY
    simulator.workspace_id = "workspace_other"

    result = await _configure(hass, flow["flow_id"], {CONF_API_KEY: OTHER_KEY})

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"
    assert revoked_entry.data[CONF_API_KEY] == REVOKED_KEY


async def test_reauth_keeps_the_single_seam_webhook_of_the_entry(
    hass: HomeAssistant, simulator: SeamSimulator, config_entry: MockConfigEntry
) -> None:
    # With an external URL, setup registers one Seam webhook pointing at Home Assistant.
    await hass.config.async_update(external_url="https://home.example.org")
    await setup_integration(hass, config_entry)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(simulator.webhooks.by_id) == 1
    webhook_data = {
        key: config_entry.data[key]
        for key in (CONF_WEBHOOK_ID, CONF_SEAM_WEBHOOK_ID, CONF_WEBHOOK_SECRET)
    }
    simulator.api_key = ROTATED_KEY
    flow = await config_entry.start_reauth_flow(hass)

    result = await _configure(hass, flow["flow_id"], {CONF_API_KEY: ROTATED_KEY})

    assert result["reason"] == "reauth_successful"
    assert config_entry.state is ConfigEntryState.LOADED
    assert _credentials(config_entry) == {CONF_API_KEY: ROTATED_KEY, CONF_API_URL: simulator.url}
    assert {key: config_entry.data[key] for key in webhook_data} == webhook_data
    assert len(simulator.webhooks.by_id) == 1
    # Unload while the simulator still runs, so the Seam webhook can be deleted.
    assert await hass.config_entries.async_unload(config_entry.entry_id)


# --- Reconfiguration ---------------------------------------------------------------------------


async def test_reconfigure_form_shows_the_url_the_entry_uses_in_the_collapsed_section(
    hass: HomeAssistant, simulator: SeamSimulator, config_entry: MockConfigEntry
) -> None:
    await setup_integration(hass, config_entry)

    result = await config_entry.start_reconfigure_flow(hass)

    _assert_form(result, "reconfigure", url=simulator.url)


async def test_reconfigure_form_of_an_entry_without_a_url_shows_the_default_url(
    hass: HomeAssistant,
) -> None:
    entry = MockConfigEntry(
        domain=DOMAIN, unique_id="workspace_old", data={CONF_API_KEY: "seam_old_key_0000"}
    )
    entry.add_to_hass(hass)

    result = await entry.start_reconfigure_flow(hass)

    _assert_form(result, "reconfigure", url=DEFAULT_API_URL)


@pytest.mark.parametrize(
    "advanced",
    [
        pytest.param({SECTION_ADVANCED: {}}, id="section left untouched (empty)"),
        pytest.param({}, id="section omitted"),
    ],
)
async def test_reconfigure_with_a_new_key_of_the_same_workspace_keeps_the_url(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    config_entry: MockConfigEntry,
    advanced: dict[str, Any],
) -> None:
    simulator.add_lock("Front Door")
    await setup_integration(hass, config_entry)
    result = await config_entry.start_reconfigure_flow(hass)
    # The user rotates the key in the Seam Console: the old one stops working.
    simulator.api_key = ROTATED_KEY

    result = await _configure(
        hass, result["flow_id"], {CONF_API_KEY: f" {ROTATED_KEY} "} | advanced
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    # The URL stays the entry's own, not the default one.
    assert _credentials(config_entry) == {CONF_API_KEY: ROTATED_KEY, CONF_API_URL: simulator.url}
    assert config_entry.state is ConfigEntryState.LOADED
    assert hass.states.get("lock.front_door").state == "unlocked"


async def test_reconfigure_can_move_the_workspace_to_another_url_given_in_the_section(
    hass: HomeAssistant, simulator: SeamSimulator, config_entry: MockConfigEntry
) -> None:
    await setup_integration(hass, config_entry)
    async with SeamSimulator(
        api_key=simulator.api_key, workspace_id=simulator.workspace_id
    ) as mirror:
        result = await config_entry.start_reconfigure_flow(hass)
        _assert_form(result, "reconfigure", url=simulator.url)

        result = await _configure(
            hass, result["flow_id"], _form_input(simulator.api_key, mirror.url)
        )

        assert result["type"] is FlowResultType.ABORT
        assert result["reason"] == "reconfigure_successful"
        assert _credentials(config_entry) == {
            CONF_API_KEY: simulator.api_key,
            CONF_API_URL: mirror.url,
        }
        assert mirror.request_count("/workspaces/get") == 1
        assert config_entry.state is ConfigEntryState.LOADED
        assert mirror.request_count("/devices/list") >= 1
        await hass.config_entries.async_unload(config_entry.entry_id)


async def test_reconfigure_with_a_key_of_another_workspace_aborts_with_wrong_account(
    hass: HomeAssistant, simulator: SeamSimulator, config_entry: MockConfigEntry
) -> None:
    await setup_integration(hass, config_entry)
    async with SeamSimulator(
        api_key=OTHER_KEY, workspace_id="workspace_other", workspace_name="Holiday Flat"
    ) as other:
        result = await config_entry.start_reconfigure_flow(hass)

        result = await _configure(hass, result["flow_id"], _form_input(OTHER_KEY, other.url))

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"
    assert _credentials(config_entry) == {
        CONF_API_KEY: simulator.api_key,
        CONF_API_URL: simulator.url,
    }
    assert config_entry.title == simulator.workspace_name
    assert config_entry.state is ConfigEntryState.LOADED


async def test_reconfigure_with_a_wrong_key_shows_invalid_auth_and_keeps_the_typed_url(
    hass: HomeAssistant, simulator: SeamSimulator, config_entry: MockConfigEntry
) -> None:
    await setup_integration(hass, config_entry)
    result = await config_entry.start_reconfigure_flow(hass)

    result = await _configure(hass, result["flow_id"], _form_input(WRONG_KEY, simulator.url))

    _assert_form(result, "reconfigure", url=simulator.url, errors={"base": "invalid_auth"})
    assert config_entry.data[CONF_API_KEY] == simulator.api_key

    result = await _configure(hass, result["flow_id"], _form_input(simulator.api_key))

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert _credentials(config_entry) == {
        CONF_API_KEY: simulator.api_key,
        CONF_API_URL: simulator.url,
    }
    assert config_entry.state is ConfigEntryState.LOADED


async def test_reconfigure_to_an_unreachable_url_shows_cannot_connect_with_that_url(
    hass: HomeAssistant, simulator: SeamSimulator, config_entry: MockConfigEntry
) -> None:
    await setup_integration(hass, config_entry)
    closed = _closed_port_url()
    result = await config_entry.start_reconfigure_flow(hass)

    result = await _configure(hass, result["flow_id"], _form_input(simulator.api_key, closed))

    # The form shows the URL the user typed, not the one the entry still uses.
    _assert_form(result, "reconfigure", url=closed, errors={"base": "cannot_connect"})
    assert _credentials(config_entry) == {
        CONF_API_KEY: simulator.api_key,
        CONF_API_URL: simulator.url,
    }

    result = await _configure(
        hass, result["flow_id"], _form_input(simulator.api_key, simulator.url)
    )

    assert result["reason"] == "reconfigure_successful"
    assert config_entry.state is ConfigEntryState.LOADED


async def test_reconfigure_keeps_the_single_seam_webhook_of_the_entry(
    hass: HomeAssistant, simulator: SeamSimulator, config_entry: MockConfigEntry
) -> None:
    # With an external URL, setup registers one Seam webhook pointing at Home Assistant.
    await hass.config.async_update(external_url="https://home.example.org")
    await setup_integration(hass, config_entry)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(simulator.webhooks.by_id) == 1
    webhook_data = {
        key: config_entry.data[key]
        for key in (CONF_WEBHOOK_ID, CONF_SEAM_WEBHOOK_ID, CONF_WEBHOOK_SECRET)
    }
    simulator.api_key = ROTATED_KEY
    result = await config_entry.start_reconfigure_flow(hass)

    result = await _configure(hass, result["flow_id"], _form_input(ROTATED_KEY, simulator.url))

    assert result["reason"] == "reconfigure_successful"
    assert config_entry.state is ConfigEntryState.LOADED
    assert _credentials(config_entry) == {CONF_API_KEY: ROTATED_KEY, CONF_API_URL: simulator.url}
    # Same Home Assistant webhook and Seam webhook and secret, and no second (orphaned)
    # webhook left in Seam.
    assert {key: config_entry.data[key] for key in webhook_data} == webhook_data
    assert len(simulator.webhooks.by_id) == 1
    # Unload while the simulator still runs, so the Seam webhook can be deleted.
    assert await hass.config_entries.async_unload(config_entry.entry_id)
