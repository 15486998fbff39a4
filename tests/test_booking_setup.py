"""Setting up a booking calendar (its config subentry flow), who may, and what it shows.

Also the round trip against Seam's own fake server: the codes a booking makes and deletes are
Seam's, with Seam's own `common_code_key`.
"""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus
import json
from pathlib import Path
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_mock_service
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.seam.booking_codes import MISSING_READS
from custom_components.seam.booking_settings import (
    CONF_CALENDAR,
    CONF_LOCKS,
    CONF_NOTIFY,
    SUBENTRY_BOOKING_CALENDAR,
    CalendarSettings,
)
from custom_components.seam.const import CONF_API_URL, DOMAIN
from custom_components.seam.diagnostics import async_get_config_entry_diagnostics
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState, ConfigSubentryData
from homeassistant.const import CONF_API_KEY
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from tests.booking_helpers import (
    CALENDAR,
    add_booking,
    add_booking_calendar,
    add_local_calendar,
    booking_calendar,
    calendar_entity,
    codes_on,
    logged,
    reconcile,
)
from tests.conftest import setup_integration
from tests.fake_seam import FakeSeam
from tests.simulator import SeamSimulator

FRONT = "front_door_id"
BACK = "back_door_id"
SETTINGS = {
    "check_in": "15:00:00",
    "check_out": "10:00:00",
    "code_source": "random",
    "look_ahead_days": 14,
}


@pytest.fixture
async def loaded(
    hass: HomeAssistant, simulator: SeamSimulator, config_entry: MockConfigEntry, tmp_path: Path
) -> MockConfigEntry:
    simulator.add_lock("Front Door", device_id=FRONT)
    simulator.add_lock("Back Door", device_id=BACK)
    # A sensor-only device: no codes, not offered.
    simulator.add_lock("Garage", device_id="garage_id", can_program_online_access_codes=None)
    await setup_integration(hass, config_entry)
    await add_local_calendar(hass, tmp_path)
    return config_entry


async def start(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, Any]:
    return await hass.config_entries.subentries.async_init(  # type: ignore[return-value]
        (entry.entry_id, SUBENTRY_BOOKING_CALENDAR), context={"source": SOURCE_USER}
    )


async def test_the_form_offers_the_locks_that_take_codes_and_the_hosts_targets(
    hass: HomeAssistant, loaded: MockConfigEntry
) -> None:
    async_mock_service(hass, "notify", "host_phone")
    hass.states.async_set("notify.host_tablet", "unknown", {"friendly_name": "Host tablet"})
    result = await start(hass, loaded)
    assert result["type"] is FlowResultType.FORM
    schema = result["data_schema"].schema
    fields = {str(key): (key, value) for key, value in schema.items()}
    _, locks = fields[CONF_LOCKS]
    assert [o["label"] for o in locks.config["options"]] == ["Back Door", "Front Door"]
    # Every lock is picked to start with.
    assert fields[CONF_LOCKS][0].description["suggested_value"] == [BACK, FRONT]
    _, notify = fields[CONF_NOTIFY]
    assert [o["value"] for o in notify.config["options"]] == [
        "notify.host_tablet",
        "notify.host_phone",
    ]


async def test_mistakes_are_named_and_nothing_is_added(
    hass: HomeAssistant, loaded: MockConfigEntry
) -> None:
    result = await start(hass, loaded)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_CALENDAR: CALENDAR, CONF_LOCKS: [], **SETTINGS}
    )
    assert result["errors"] == {CONF_LOCKS: "no_locks"}
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_CALENDAR: "calendar.gone", CONF_LOCKS: [FRONT], **SETTINGS}
    )
    assert result["errors"] == {CONF_CALENDAR: "calendar_not_found"}
    assert not loaded.subentries

    await add_booking_calendar(hass, loaded, [FRONT])
    result = await start(hass, loaded)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_CALENDAR: CALENDAR, CONF_LOCKS: [BACK], **SETTINGS}
    )
    assert result["errors"] == {CONF_CALENDAR: "calendar_already_configured"}
    assert len(loaded.subentries) == 1


async def test_no_calendar_for_a_workspace_that_is_not_loaded_or_has_no_code_locks(
    hass: HomeAssistant, simulator: SeamSimulator, config_entry: MockConfigEntry
) -> None:
    config_entry.add_to_hass(hass)
    result = await start(hass, config_entry)
    assert (result["type"], result["reason"]) == (FlowResultType.ABORT, "entry_not_loaded")

    simulator.add_lock("Garage", device_id="garage_id", can_program_online_access_codes=None)
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    result = await start(hass, config_entry)
    assert (result["type"], result["reason"]) == (FlowResultType.ABORT, "no_code_locks")


async def test_only_administrators_can_add_a_booking_calendar(
    hass: HomeAssistant,
    loaded: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    hass_read_only_access_token: str,
) -> None:
    assert await async_setup_component(hass, "config", {})
    body = {"handler": [loaded.entry_id, SUBENTRY_BOOKING_CALENDAR]}
    user = await hass_client(hass_read_only_access_token)
    refused = await user.post("/api/config/config_entries/subentries/flow", json=body)
    assert refused.status == HTTPStatus.UNAUTHORIZED
    assert not hass.config_entries.subentries.async_progress()

    admin = await hass_client()
    started = await admin.post("/api/config/config_entries/subentries/flow", json=body)
    assert started.status == HTTPStatus.OK
    flow_id = (await started.json())["flow_id"]
    # Nor can a user carry on an administrator's flow.
    refused = await user.post(
        f"/api/config/config_entries/subentries/flow/{flow_id}",
        json={CONF_CALENDAR: CALENDAR, CONF_LOCKS: [FRONT], **SETTINGS},
    )
    assert refused.status == HTTPStatus.UNAUTHORIZED
    assert not loaded.subentries


async def test_codes_are_sent_to_a_notify_entity_and_kept_out_of_diagnostics(
    hass: HomeAssistant, loaded: MockConfigEntry, simulator: SeamSimulator
) -> None:
    hass.states.async_set("notify.host_tablet", "unknown")
    sent = async_mock_service(hass, "notify", "send_message")
    day = dt_util.now().date()
    await add_booking(
        hass,
        "Ana Silva",
        day + timedelta(days=2),
        day + timedelta(days=4),
        description="Phone Number (Last 4 Digits): 4821",
    )
    sub = await add_booking_calendar(
        hass, loaded, [FRONT, BACK], code_source="phone", **{CONF_NOTIFY: "notify.host_tablet"}
    )
    await reconcile(hass, loaded, sub)
    # The phone's last four digits, on both locks.
    assert [c.code for c in codes_on(simulator, FRONT) + codes_on(simulator, BACK)] == ["4821"] * 2
    assert len(sent) == 1
    assert sent[0].data["entity_id"] == "notify.host_tablet"
    assert "4821" in sent[0].data["message"]

    diagnostics = await async_get_config_entry_diagnostics(hass, loaded)
    text = json.dumps(diagnostics, default=str)
    assert "4821" not in text
    assert "Ana Silva" not in text
    (calendar,) = diagnostics["booking_calendars"]
    (booking,) = calendar["bookings"]
    assert booking["has_pin"] is True
    assert booking["host_notified"] is True
    assert booking["codes"] == {FRONT: "scheduled", BACK: "scheduled"}
    assert calendar["settings"]["notify"] is True


async def test_a_notify_target_that_fails_is_tried_again_and_never_logs_the_code(
    hass: HomeAssistant,
    loaded: MockConfigEntry,
    simulator: SeamSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    day = dt_util.now().date()
    await add_booking(hass, "Ana Silva", day + timedelta(days=2), day + timedelta(days=4))
    # The host's phone fails, with words that quote what it was sent.
    failing = async_mock_service(
        hass, "notify", "host_phone", raise_exception=RuntimeError("cannot send: <message>")
    )
    sub = await add_booking_calendar(hass, loaded, [FRONT], **{CONF_NOTIFY: "notify.host_phone"})
    await reconcile(hass, loaded, sub)
    (code,) = codes_on(simulator, FRONT)
    assert "Could not send the door code of Ana Silva" in caplog.text
    text = logged(caplog.records)
    assert failing  # tried at each check, until it works
    assert "RuntimeError" in text
    assert code.code not in text
    assert "<message>" not in text

    phone = async_mock_service(hass, "notify", "host_phone")
    await reconcile(hass, loaded, sub)
    await reconcile(hass, loaded, sub)
    assert len(phone) == 1


async def test_removing_the_calendar_leaves_its_codes_to_end_at_check_out(
    hass: HomeAssistant, loaded: MockConfigEntry, simulator: SeamSimulator
) -> None:
    day = dt_util.now().date()
    await add_booking(hass, "Ana Silva", day + timedelta(days=2), day + timedelta(days=4))
    sub = await add_booking_calendar(hass, loaded, [FRONT])
    await reconcile(hass, loaded, sub)
    assert hass.states.get("sensor.rental_door_codes") is not None

    assert hass.config_entries.async_remove_subentry(loaded, sub)
    await hass.async_block_till_done(wait_background_tasks=True)
    # A guest who has the code keeps it; Seam ends it at check-out.
    assert len(codes_on(simulator, FRONT)) == 1
    assert hass.states.get("sensor.rental_door_codes") is None
    assert not loaded.runtime_data.bookings.store.calendars


async def test_a_booking_round_trip_against_seams_fake_server(
    hass: HomeAssistant, fake_seam: FakeSeam, tmp_path: Path
) -> None:
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=fake_seam.workspace_id,
        data={CONF_API_KEY: fake_seam.api_key, CONF_API_URL: fake_seam.url},
    )
    await setup_integration(hass, entry)
    await add_local_calendar(hass, tmp_path)
    client = entry.runtime_data.client
    locks = [
        device.device_id
        for device in entry.runtime_data.coordinator.data.values()
        if device.can_program_online_access_codes
    ][:2]
    assert len(locks) == 2
    day = dt_util.now().date()
    uid = await add_booking(hass, "Ana Silva", day + timedelta(days=2), day + timedelta(days=4))
    sub = await add_booking_calendar(hass, entry, locks)
    await reconcile(hass, entry, sub)

    made = [await client.list_access_codes(lock) for lock in locks]
    assert [len(codes) for codes in made] == [1, 1]
    first, second = made[0][0], made[1][0]
    assert first.code == second.code
    assert first.name == f"Ana Silva {(day + timedelta(days=2)).isoformat()}"
    assert first.is_time_bound
    # Seam's fake drops `common_code_key` on a single create (production keeps it): the codes
    # are known as the booking's by the ids their creation answered with.
    assert first.common_code_key is None
    record = next(iter(booking_calendar(entry, sub).records.values()))
    assert (first.starts_at, first.ends_at) == (record.starts_at, record.ends_at)

    # Nothing changed: Seam's fake sees no write either.
    await reconcile(hass, entry, sub)
    assert booking_calendar(entry, sub).status.writes == 0

    await calendar_entity(hass).async_delete_event(uid)
    await add_booking(hass, "Ben Okafor", day + timedelta(days=6), day + timedelta(days=8))
    for _ in range(MISSING_READS):
        await reconcile(hass, entry, sub)
    left = [await client.list_access_codes(lock) for lock in locks]
    assert [[c.name.split()[0] for c in codes] for codes in left] == [["Ben"], ["Ben"]]


async def test_a_damaged_store_loses_only_what_is_damaged(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    config_entry: MockConfigEntry,
    tmp_path: Path,
    hass_storage: dict[str, Any],
) -> None:
    simulator.add_lock("Front Door", device_id=FRONT)
    day = dt_util.now().date()
    good = {
        "guest": "Ana Silva",
        "arrival": (day + timedelta(days=2)).isoformat(),
        "starts_at": (dt_util.utcnow() + timedelta(days=2)).isoformat(),
        "ends_at": (dt_util.utcnow() + timedelta(days=4)).isoformat(),
        "pin": "482915",
        "notified": True,
        "missing": 0,
        "codes": {},
    }
    hass_storage[f"seam.bookings.{config_entry.entry_id}"] = {
        "version": 1,
        "minor_version": 1,
        "key": f"seam.bookings.{config_entry.entry_id}",
        "data": {
            "calendars": {
                CALENDAR: {
                    "good": good,
                    "no_guest": {**good, "guest": None} | {"arrival": None},
                    "bad_time": {**good, "starts_at": "not a time"},
                    "not_a_record": "x",
                },
                "calendar.removed": {"good": good},
            }
        },
    }
    await add_local_calendar(hass, tmp_path)
    # The calendar was set up before this start (a restart).
    entry = MockConfigEntry(
        domain=DOMAIN,
        entry_id=config_entry.entry_id,
        unique_id=config_entry.unique_id,
        data=dict(config_entry.data),
        subentries_data=[
            ConfigSubentryData(
                data={CONF_CALENDAR: CALENDAR, CONF_LOCKS: [FRONT], **SETTINGS},
                subentry_type=SUBENTRY_BOOKING_CALENDAR,
                title="Rental",
                unique_id=CALENDAR,
            )
        ],
    )
    await setup_integration(hass, entry)
    await hass.async_block_till_done(wait_background_tasks=True)
    (sub,) = entry.subentries
    store = entry.runtime_data.bookings.store
    # The removed calendar's records are forgotten; the damaged ones are skipped.
    assert set(store.calendars) == {CALENDAR}
    assert set(booking_calendar(entry, sub).records) == {"good"}
    # The stored booking keeps its PIN: its code is set with it.
    assert [c.code for c in codes_on(simulator, FRONT)] == ["482915"]


async def test_a_store_from_a_newer_version_is_not_fatal(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    simulator.add_lock("Front Door", device_id=FRONT)
    hass_storage[f"seam.bookings.{config_entry.entry_id}"] = {
        "version": 9,
        "minor_version": 1,
        "key": f"seam.bookings.{config_entry.entry_id}",
        "data": {"calendars": "from the future"},
    }
    await setup_integration(hass, config_entry)
    assert config_entry.state is ConfigEntryState.LOADED
    assert "Could not read the stored booking codes" in caplog.text
    assert config_entry.runtime_data.bookings.store.calendars == {}


def test_settings_with_a_damaged_time_take_the_default() -> None:
    settings = CalendarSettings.from_data({CONF_CALENDAR: CALENDAR, "check_in": "25:99"})
    assert settings.check_in.isoformat() == "16:00:00"
    assert settings.check_out.isoformat() == "11:00:00"
    assert settings.look_ahead_days == 14
    assert settings.notify is None
