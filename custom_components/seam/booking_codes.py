"""Guest codes from a booking calendar: one time-bound Seam code per booking and lock.

Seam enforces each code's window on the lock, so a code ends at check-out even if Home
Assistant is off. Home Assistant only keeps Seam in line with the calendar, by reconciling:
read the calendar ahead, list each lock's codes (one request per lock), then create, move or
delete only what differs. A reconcile that finds nothing to change sends no write.

Safety rules:
- A booking missing from `MISSING_READS` reads in a row loses its codes; a read that fails or
  has no events at all counts for nothing, so a calendar feed that comes back empty once never
  wipes codes.
- Only a booking's own codes are changed or deleted: the one its create answered with, or one
  carrying its `common_code_key` on that lock. Codes made by hand, by Seam or by anything else
  are never touched.
- A booking keeps its PIN once chosen (it may already be in the guest's hands): dates that
  change move the code's window, a code deleted outside Seam comes back with the same PIN.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from homeassistant.components.calendar import CalendarEntity, CalendarEvent
from homeassistant.components.calendar.const import DATA_COMPONENT as CALENDAR_COMPONENT
from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.event import async_track_state_change_event, async_track_time_interval
from homeassistant.helpers.start import async_at_started
from homeassistant.util import dt as dt_util

from .api import (
    AccessCode,
    Device,
    SeamClient,
    SeamError,
)
from .booking_issues import CALENDAR_FAILURES_FOR_ISSUE, BookingIssues
from .booking_run import CodeStatus, Problem, Reconcile, label
from .booking_settings import MAX_LOOK_AHEAD, CalendarSettings
from .booking_store import BookingRecord, BookingStore
from .bookings import Booking, booking_from_event, code_key
from .const import LOGGER
from .coordinator import SeamCoordinator
from .notify_host import async_notify_host

MISSING_READS = 3
# Misses closer together than this count once: a burst of reads (retries after a rate limit,
# calendar changes) must not delete a booking's codes within minutes of a feed's glitch.
MISS_SPACING = timedelta(minutes=5)
# How far ahead the calendar is read to know which bookings exist (codes are made only within
# the look-ahead).
READ_AHEAD = timedelta(days=MAX_LOOK_AHEAD + 1)
RECONCILE_INTERVAL = timedelta(minutes=10)
# After a rate limit, the rest is done this much later (Seam allows 10 creates a minute a lock).
RETRY_SOONER = 65.0


@dataclass(slots=True)
class CalendarStatus:
    """What the calendar's sensor shows: each booking's codes, and how the last read went."""

    bookings: dict[str, dict[str, CodeStatus]] = field(default_factory=dict)
    read_failures: int = 0
    last_reconcile: datetime | None = None
    writes: int = 0
    """Writes the last reconcile sent to Seam."""

    def count(self, status: CodeStatus) -> int:
        """Codes (one per booking and lock) in this status."""
        return sum(s == status for locks in self.bookings.values() for s in locks.values())


class BookingCalendar:
    """Keeps one calendar's bookings and the Seam codes of its locks in line."""

    def __init__(
        self,
        hass: HomeAssistant,
        subentry: ConfigSubentry,
        scope: str,
        coordinator: SeamCoordinator,
        store: BookingStore,
    ) -> None:
        """The calendar of `subentry`; `scope` (the workspace) keeps code keys unique."""
        self.hass = hass
        self.subentry_id = subentry.subentry_id
        self.title = subentry.title
        self.settings = CalendarSettings.from_data(subentry.data)
        self._scope = f"{scope}:{self.settings.calendar}"
        self._coordinator = coordinator
        self._entry_id = coordinator.config_entry.entry_id
        self.client: SeamClient = coordinator.client
        self.store = store
        self._lock = asyncio.Lock()
        self._listeners: list[Callable[[], None]] = []
        self.issues = BookingIssues(hass, self._entry_id, self.subentry_id, self.title)
        self._phones: dict[str, str | None] = {}
        self._closed = False
        self._retry: asyncio.TimerHandle | None = None
        self._queued = False
        self._tasks: set[asyncio.Task[None]] = set()
        self.status = CalendarStatus()

    @property
    def records(self) -> dict[str, BookingRecord]:
        """The calendar's bookings as remembered."""
        return self.store.records(self.settings.calendar)

    @callback
    def async_start(self) -> Callable[[], None]:
        """Reconcile now, every 10 minutes and when the calendar changes; returns the stop."""
        self.issues.async_load()
        unsubs = [
            async_track_time_interval(
                self.hass, self._async_scheduled, RECONCILE_INTERVAL, cancel_on_shutdown=True
            ),
            async_track_state_change_event(
                self.hass, self.settings.calendar, self._async_calendar_changed
            ),
            # At Home Assistant's start, once every integration (the calendar's too) is up.
            async_at_started(self.hass, self._async_started),
        ]

        @callback
        def stop() -> None:
            # A write cut short here is found again by its code key at the next start.
            self._closed = True
            if self._retry is not None:
                self._retry.cancel()
            for task in self._tasks:
                task.cancel()
            for unsub in unsubs:
                unsub()

        return stop

    @callback
    def async_add_listener(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call `listener` after each reconcile."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    async def _async_scheduled(self, _now: datetime) -> None:
        self._async_request()

    async def _async_started(self, _hass: HomeAssistant) -> None:
        self._async_request()

    @callback
    def _async_calendar_changed(self, _event: Event[EventStateChangedData]) -> None:
        self._async_request()

    @callback
    def _async_request(self) -> None:
        if not self._closed:
            task = self._coordinator.config_entry.async_create_background_task(
                self.hass, self.async_reconcile(), f"seam_bookings_{self.subentry_id}"
            )
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def async_wait_idle(self) -> None:
        """Wait for a reconcile under way to finish (after `stop`, none starts again)."""
        async with self._lock:
            pass

    async def async_reconcile(self) -> None:
        """Bring Seam in line with the calendar; one at a time, never after unload.

        Asked again while one runs, one more runs after it (what the running one read may
        predate the change); asked more often than that, the callers wait for that one.
        """
        if self._queued:
            await self.async_wait_idle()  # the lock is fair: the queued reconcile goes first
            return
        self._queued = True
        try:
            async with self._lock:
                self._queued = False
                if self._closed:
                    return
                await self._async_reconcile()
        finally:
            self._queued = False
        for listener in list(self._listeners):
            listener()

    async def _async_reconcile(self) -> None:
        now = dt_util.utcnow()
        run = Reconcile(self, now)
        bookings = await self._async_read(now)
        devices = self._devices()
        records = self.records
        # Also the locks that have a booking's code but are no longer the calendar's.
        data = self._coordinator.data or {}
        if self._coordinator.last_update_success:
            # A lock gone from Seam took its codes with it.
            for record in records.values():
                for device_id in [d for d in record.codes if d not in data]:
                    del record.codes[device_id]
                    record.outside.discard(device_id)
                    self.store.async_schedule_save()
        strays = {d for r in records.values() for d in r.codes if d in data and d not in devices}
        codes = await self._async_list(devices | {d: data[d] for d in strays})
        if bookings is not None:
            self._remember(bookings, records, now)
        for key, record in list(records.items()):
            if record.ends_at <= now:
                # Over: Seam has removed its codes, there is nothing left to do.
                del records[key]
                self.store.async_schedule_save()
                continue
            if record.missing >= MISSING_READS:
                if await run.async_remove(key, record, codes):
                    del records[key]
                    self.store.async_schedule_save()
                continue
            await run.async_keep(key, record, devices, codes)
        await self._async_notify(run)
        self.status.bookings = run.statuses
        self.status.last_reconcile = now
        self.status.writes = run.writes
        self.issues.async_sync(run.issues, set(codes), self.settings.locks)
        if self._retry is not None:
            self._retry.cancel()
            self._retry = None
        if run.deferred and not self._closed:
            self._retry = self.hass.loop.call_later(RETRY_SOONER, self._async_request)

    async def _async_read(self, now: datetime) -> list[Booking] | None:
        """The bookings not over yet; None when the read failed or found no event at all."""
        settings = self.settings
        component = self.hass.data.get(CALENDAR_COMPONENT)
        entity = component.get_entity(settings.calendar) if component else None
        try:
            events = await self._async_events(entity, now)
        except Exception as err:
            self.status.read_failures += 1
            # Once, when it becomes a repair issue (a calendar still loading is no news).
            log = (
                LOGGER.warning
                if self.status.read_failures == CALENDAR_FAILURES_FOR_ISSUE
                else LOGGER.debug
            )
            log("Could not read %s for booking codes: %s", settings.calendar, err)
            self.issues.async_calendar_read(self.status.read_failures)
            return None
        self.status.read_failures = 0
        self.issues.async_calendar_read(0)
        if not events:
            return None
        zone = dt_util.get_default_time_zone()
        # Events, but only blocked dates or stays over: a real read, in which every booking
        # remembered is missing (the last one of a feed, cancelled, goes like any other).
        return [
            booking
            for event in events
            if (
                booking := booking_from_event(
                    uid=event.uid,
                    recurrence_id=event.recurrence_id,
                    summary=event.summary or "",
                    description=event.description,
                    start=event.start,
                    end=event.end,
                    check_in=settings.check_in,
                    check_out=settings.check_out,
                    zone=zone,
                )
            )
            is not None
            and booking.ends_at > now
        ]

    async def _async_events(
        self, entity: CalendarEntity | None, now: datetime
    ) -> list[CalendarEvent]:
        if entity is None:
            raise HomeAssistantError(f"{self.settings.calendar} is not available")
        # From yesterday's start: an all-day stay's event ends at midnight on the day the guest
        # leaves, hours before check-out, and must still be read until then. Up to a year
        # ahead: a booking moved past the look-ahead is still there (and keeps its PIN).
        # In Home Assistant's zone, as its own calendar actions ask (the local calendar misses
        # events that end within the hours between a UTC and a local "now").
        start = dt_util.start_of_local_day(dt_util.as_local(now)) - timedelta(days=1)
        return await entity.async_get_events(self.hass, start, dt_util.as_local(now) + READ_AHEAD)

    def _devices(self) -> dict[str, Device]:
        data = self._coordinator.data or {}
        return {d: data[d] for d in self.settings.locks if d in data}

    async def _async_list(self, devices: dict[str, Device]) -> dict[str, list[AccessCode]]:
        """Each lock's codes; a lock whose list fails is left alone this time."""
        results = await asyncio.gather(*(self._async_list_one(d) for d in devices.values()))
        return {
            device_id: codes
            for device_id, codes in zip(devices, results, strict=True)
            if codes is not None
        }

    async def _async_list_one(self, device: Device) -> list[AccessCode] | None:
        try:
            return await self.client.list_access_codes(device.device_id)
        except SeamError as err:
            LOGGER.warning("Could not list the codes of %s: %s", device.name, err)
            return None

    def _remember(
        self, bookings: list[Booking], records: dict[str, BookingRecord], now: datetime
    ) -> None:
        """Take in a read with bookings: new and changed ones, and who is missing.

        A booking is taken in once it starts within the look-ahead; one already taken in stays
        however far its dates move (up to a year).
        """
        seen = {booking.key for booking in bookings}
        horizon = now + timedelta(days=self.settings.look_ahead_days)
        for booking in bookings:
            record = records.get(booking.key)
            if record is None:
                if booking.starts_at > horizon:
                    continue
                records[booking.key] = BookingRecord(
                    guest=booking.guest,
                    arrival=booking.arrival,
                    starts_at=booking.starts_at,
                    ends_at=booking.ends_at,
                )
                self._phones[booking.key] = booking.phone
                self.store.async_schedule_save()
                continue
            self._phones[booking.key] = booking.phone
            changed = (record.guest, record.arrival, record.starts_at, record.ends_at) != (
                booking.guest,
                booking.arrival,
                booking.starts_at,
                booking.ends_at,
            )
            if changed or record.missing:
                record.guest, record.arrival = booking.guest, booking.arrival
                record.starts_at, record.ends_at = booking.starts_at, booking.ends_at
                record.missing, record.missed_at = 0, None
                self.store.async_schedule_save()
        for key, record in records.items():
            if key in seen or record.ends_at <= now:
                continue
            if record.missed_at is None or now - record.missed_at >= MISS_SPACING:
                record.missing += 1
                record.missed_at = now
                self.store.async_schedule_save()

    async def _async_notify(self, run: Reconcile) -> None:
        """Send the host each new booking's PIN, once, after it is safely stored."""
        ready = [
            (key, record)
            for key, record in self.records.items()
            if record.pin and not record.notified and key in run.placed and key not in run.pending
        ]
        if not ready or not self.settings.notify:
            return
        await self.store.async_save()
        for key, record in ready:
            assert record.pin is not None
            locks = ", ".join(sorted(run.placed[key]))
            if await async_notify_host(
                self.hass, self.settings.notify, label(record), record, locks
            ):
                record.notified = True
                self.store.async_schedule_save()

    def lock_names(self) -> dict[str, str]:
        """The calendar's locks' names, by Seam device id."""
        return {device_id: device.name for device_id, device in self._devices().items()}

    def issue_id(self, key: str, problem: Problem, device_id: str) -> str:
        """The repair issue's id of one booking, problem and lock."""
        return self.issues.issue_id(key, problem, device_id)

    def key_for(self, booking: str, device_id: str) -> str:
        """The `common_code_key` of this booking's code on this lock."""
        return code_key(self._scope, booking, device_id)

    def phone(self, key: str) -> str | None:
        """The phone digits of the booking's description, when codes come from phones."""
        return self._phones.get(key) if self.settings.code_from_phone else None


def diagnostics(calendar: BookingCalendar) -> dict[str, Any]:
    """A calendar's bookings and code statuses, without PINs or guests' names."""
    return {
        "settings": calendar.settings.diagnostics(),
        "read_failures": calendar.status.read_failures,
        "last_reconcile": calendar.status.last_reconcile,
        "writes_last_reconcile": calendar.status.writes,
        "bookings": [
            {
                "starts_at": record.starts_at.isoformat(),
                "ends_at": record.ends_at.isoformat(),
                "has_pin": record.pin is not None,
                "host_notified": record.notified,
                "missing_reads": record.missing,
                "codes": {
                    device_id: calendar.status.bookings.get(key, {}).get(device_id)
                    for device_id in calendar.settings.locks
                },
            }
            for key, record in calendar.records.items()
        ],
    }
