"""The README's booking automation, run for real: a code per calendar event, gone at its end.

Real Home Assistant runs the automation as the README gives it (the phone notification
replaced by a persistent one) against a calendar entity and the Seam simulator over HTTP.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
import yaml

from homeassistant.components.calendar import CalendarEntity, CalendarEvent
from homeassistant.components.calendar.const import DATA_COMPONENT
from homeassistant.components.persistent_notification import (
    _async_get_or_create_notifications as notifications,
)
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from tests.conftest import setup_integration
from tests.simulator import SeamSimulator

AUTOMATION = """
alias: "Door code for each booking"
mode: queued
triggers:
  - trigger: calendar
    event: start
    entity_id: calendar.rental_bookings
    offset: "-1:00:00"
    id: check_in
  - trigger: calendar
    event: end
    entity_id: calendar.rental_bookings
    offset: "0:00:00"
    id: check_out
variables:
  code_name: >-
    {{ trigger.calendar_event.summary }}
    {{ as_datetime(trigger.calendar_event.start).date() }}
actions:
  - choose:
      - conditions: "{{ trigger.id == 'check_in' }}"
        sequence:
          - action: seam.create_access_code
            target:
              entity_id: lock.front_door
            data:
              name: "{{ code_name }}"
              starts_at: "{{ trigger.calendar_event.start }}"
              ends_at: "{{ trigger.calendar_event.end }}"
            response_variable: created
          - action: persistent_notification.create
            data:
              notification_id: host
              title: "Door code for {{ trigger.calendar_event.summary }}"
              message: >-
                {{ created['lock.front_door'].access_code.code }}, valid from
                {{ as_datetime(trigger.calendar_event.start).strftime('%a %d %b %H:%M') }}
                to {{ as_datetime(trigger.calendar_event.end).strftime('%a %d %b %H:%M') }}.
      - conditions: "{{ trigger.id == 'check_out' }}"
        sequence:
          - action: seam.delete_access_code
            continue_on_error: true
            target:
              entity_id: lock.front_door
            data:
              name: "{{ code_name }}"
"""


class Bookings(CalendarEntity):
    """A rental calendar with fixed bookings, read by the calendar triggers."""

    _attr_name = "Rental bookings"

    def __init__(self, bookings: list[CalendarEvent]) -> None:
        self._bookings = bookings

    @property
    def event(self) -> CalendarEvent | None:
        # No current event: the entity's own state alarms would outlive the test's clock.
        return None

    async def async_get_events(
        self, hass: HomeAssistant, start_date: datetime, end_date: datetime
    ) -> list[CalendarEvent]:
        return [
            booking
            for booking in self._bookings
            if booking.start_datetime_local < end_date and booking.end_datetime_local > start_date
        ]


async def at(hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    """Let Home Assistant's clock reach `moment` and run what was due by then.

    The calendar trigger reads the time from `utcnow` when it looks for upcoming events, so it
    is moved too (freezegun would also stop the event loop's clock the Seam client waits on).
    """
    monkeypatch.setattr(dt_util, "utcnow", lambda: dt_util.as_utc(moment))
    async_fire_time_changed(hass, moment)
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_each_booking_gets_a_code_from_check_in_to_check_out(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    config_entry: MockConfigEntry,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    simulator.add_lock("Front Door", device_id="front_door_id")
    await setup_integration(hass, config_entry)
    now = dt_util.now().replace(microsecond=0)
    check_in = now + timedelta(hours=1, minutes=5)
    check_out = check_in + timedelta(days=2)
    assert await async_setup_component(hass, "persistent_notification", {})
    assert await async_setup_component(hass, "calendar", {})
    stay = CalendarEvent(start=check_in, end=check_out, summary="Anna")
    await hass.data[DATA_COMPONENT].async_add_entities([Bookings([stay])])
    assert await async_setup_component(
        hass, "automation", {"automation": [yaml.safe_load(AUTOMATION)]}
    )
    await hass.async_block_till_done()

    await at(hass, monkeypatch, check_in - timedelta(minutes=59))
    name = f"Anna {check_in.date()}"
    codes = simulator.access_codes.on("front_door_id")
    assert [(c.name, c.starts_at, c.ends_at) for c in codes] == [
        (name, dt_util.as_utc(check_in), dt_util.as_utc(check_out))
    ]
    host = notifications(hass)["host"]
    assert host["title"] == "Door code for Anna"
    assert host["message"].startswith(f"{codes[0].code}, valid from")

    # The listener picks up the check-out at its next refresh, then fires at the time itself.
    await at(hass, monkeypatch, check_out + timedelta(seconds=1))
    await at(hass, monkeypatch, check_out + timedelta(seconds=2))
    assert simulator.request_count("/access_codes/delete") == 1
    assert simulator.access_codes.on("front_door_id") == []
    await hass.services.async_call("automation", "turn_off", {"entity_id": "all"}, blocking=True)
