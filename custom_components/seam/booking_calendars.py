"""Every booking calendar of one Seam entry: their settings, their shared store, their issues."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant

from .booking_codes import BookingCalendar
from .booking_issues import async_clear_stale
from .booking_settings import SUBENTRY_BOOKING_CALENDAR, CalendarSettings
from .booking_store import BookingStore
from .coordinator import SeamCoordinator


class BookingCalendars:
    """The entry's calendars, by subentry id; each reconciles on its own."""

    def __init__(
        self, hass: HomeAssistant, entry: ConfigEntry, coordinator: SeamCoordinator
    ) -> None:
        """The calendars of `entry`'s booking-calendar subentries."""
        self._hass = hass
        self._entry = entry
        self.store = BookingStore(hass, entry.entry_id)
        self._stops: list[Callable[[], None]] = []
        scope = entry.unique_id or entry.entry_id
        self.by_subentry = {
            subentry.subentry_id: BookingCalendar(hass, subentry, scope, coordinator, self.store)
            for subentry in entry.subentries.values()
            if subentry.subentry_type == SUBENTRY_BOOKING_CALENDAR
        }

    async def async_start(self) -> None:
        """Read the store, forget removed calendars and their issues, start reconciling."""
        await self.store.async_load()
        self.store.keep_only({c.settings.calendar for c in self.by_subentry.values()})
        async_clear_stale(self._hass, self._entry.entry_id, self.by_subentry)
        self._stops = [calendar.async_start() for calendar in self.by_subentry.values()]

    async def async_close(self) -> None:
        """Unloading: no reconcile starts or writes any more, what changed is written now."""
        for stop in self._stops:
            stop()
        await asyncio.gather(*(c.async_wait_idle() for c in self.by_subentry.values()))
        await self.store.async_save()

    @staticmethod
    def settings_of(entry: ConfigEntry) -> dict[str, CalendarSettings]:
        """Each booking calendar's settings, by subentry id (to tell when they change)."""
        return {
            subentry.subentry_id: CalendarSettings.from_data(subentry.data)
            for subentry in entry.subentries.values()
            if subentry.subentry_type == SUBENTRY_BOOKING_CALENDAR
        }
