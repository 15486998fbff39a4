"""Shared steps of the booking-code tests: a local calendar, a booking calendar added through
its config subentry flow, and what Seam holds for each booking."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, datetime, timedelta
import logging
from pathlib import Path
from typing import Any

from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.seam.booking_codes import BookingCalendar
from custom_components.seam.booking_settings import (
    CONF_CALENDAR,
    CONF_CHECK_IN,
    CONF_CHECK_OUT,
    CONF_CODE_SOURCE,
    CONF_LOCKS,
    CONF_LOOK_AHEAD,
    SUBENTRY_BOOKING_CALENDAR,
)
from custom_components.seam.const import DOMAIN
from homeassistant.components.calendar import CalendarEntity
from homeassistant.components.calendar.const import DATA_COMPONENT
from homeassistant.config_entries import SOURCE_USER, SubentryFlowResult
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
from tests.simulator import SeamSimulator
from tests.simulator.access_codes import SimAccessCode

CALENDAR = "calendar.rental"
FRONT = "front_door_id"
BACK = "back_door_id"


async def add_local_calendar(hass: HomeAssistant, folder: Path, name: str = "Rental") -> str:
    """Home Assistant's local calendar, empty, its file in `folder`; returns its entity id."""
    # The calendar writes its .ics under the config folder: a test's own, not the plugin's.
    hass.config.config_dir = str(folder)
    (folder / ".storage").mkdir(exist_ok=True)
    entry = MockConfigEntry(
        domain="local_calendar",
        data={"calendar_name": name, "storage_key": name.lower()},
        title=name,
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return f"calendar.{name.lower()}"


def calendar_entity(hass: HomeAssistant, entity_id: str = CALENDAR) -> CalendarEntity:
    entity = hass.data[DATA_COMPONENT].get_entity(entity_id)
    assert entity is not None
    return entity


async def add_booking(
    hass: HomeAssistant,
    summary: str,
    start: date | datetime,
    end: date | datetime,
    description: str | None = None,
    entity_id: str = CALENDAR,
) -> str:
    """Add an event through the calendar.create_event action; returns its UID."""
    times = (
        {"start_date_time": start, "end_date_time": end}
        if isinstance(start, datetime)
        else {"start_date": start, "end_date": end}
    )
    data: dict[str, Any] = {"summary": summary, **times}
    if description is not None:
        data["description"] = description
    await hass.services.async_call(
        "calendar", "create_event", data, target={"entity_id": entity_id}, blocking=True
    )
    entity = calendar_entity(hass, entity_id)
    events = await entity.async_get_events(
        hass,
        datetime(1970, 1, 1).astimezone(),
        datetime(2100, 1, 1).astimezone(),
    )
    return next(e.uid for e in events if e.summary == summary and e.uid)


async def add_booking_calendar(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    locks: list[str],
    **settings: Any,
) -> str:
    """Add a booking calendar through the subentry flow, as the UI does; returns its id."""
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_BOOKING_CALENDAR), context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    user_input = {
        CONF_CALENDAR: CALENDAR,
        CONF_LOCKS: locks,
        CONF_CHECK_IN: "16:00:00",
        CONF_CHECK_OUT: "11:00:00",
        CONF_CODE_SOURCE: "random",
        CONF_LOOK_AHEAD: 14,
        **settings,
    }
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], user_input)
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    await hass.async_block_till_done(wait_background_tasks=True)
    return next(
        sub.subentry_id
        for sub in entry.subentries.values()
        if sub.subentry_type == SUBENTRY_BOOKING_CALENDAR
        and sub.unique_id == user_input[CONF_CALENDAR]
    )


async def reconfigure_booking_calendar(
    hass: HomeAssistant, entry: MockConfigEntry, subentry_id: str, locks: list[str]
) -> SubentryFlowResult:
    """Change a booking calendar's locks through its reconfigure flow (default times, code)."""
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_BOOKING_CALENDAR),
        context={"source": "reconfigure", "subentry_id": subentry_id},
    )
    return await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {
            CONF_LOCKS: locks,
            CONF_CHECK_IN: "16:00:00",
            CONF_CHECK_OUT: "11:00:00",
            CONF_CODE_SOURCE: "random",
            CONF_LOOK_AHEAD: 14,
        },
    )


def booking_calendar(entry: MockConfigEntry, subentry_id: str) -> BookingCalendar:
    return entry.runtime_data.bookings.by_subentry[subentry_id]


async def reconcile(hass: HomeAssistant, entry: MockConfigEntry, subentry_id: str) -> None:
    """One check of the calendar, after whatever the calendar's changes started."""
    await hass.async_block_till_done(wait_background_tasks=True)
    await booking_calendar(entry, subentry_id).async_reconcile()
    await hass.async_block_till_done(wait_background_tasks=True)


def codes_on(simulator: SeamSimulator, device_id: str) -> list[SimAccessCode]:
    return [c for c in simulator.access_codes.on(device_id) if not c.removing]


def writes(simulator: SeamSimulator) -> int:
    """Writes Seam received (creates, updates, deletes of access codes)."""
    return sum(
        simulator.request_count(path)
        for path in ("/access_codes/create", "/access_codes/update", "/access_codes/delete")
    )


async def until(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    """Real time passes until `condition` holds (at most `seconds`)."""
    for _ in range(int(seconds / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition never held")


def logged(records: list[logging.LogRecord]) -> str:
    """What was logged, less the test harness's storage mock (it logs what is stored)."""
    return "\n".join(
        r.getMessage() for r in records if not r.name.startswith("pytest_homeassistant")
    )


def in_days(days: int) -> date:
    """A day so many days from today, in Home Assistant's time zone."""
    return dt_util.now().date() + timedelta(days=days)


def issues(hass: HomeAssistant, key: str) -> list[ir.IssueEntry]:
    """The integration's repair issues of one kind."""
    return [
        issue
        for (domain, _), issue in ir.async_get(hass).issues.items()
        if domain == DOMAIN and issue.translation_key == key
    ]
