"""What booking codes remember between reads and restarts: each booking's PIN and its codes.

Kept in Home Assistant's private storage (`.storage/seam.bookings.<entry id>`, readable by its
owner only), where the API key is kept too: a PIN stays the same once it has been sent, across
a restart, a changed booking and a code deleted outside Seam. Diagnostics never show it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .const import LOGGER

STORE_VERSION = 1
SAVE_DELAY = 1.0


@dataclass(slots=True)
class BookingRecord:
    """One booking as last read, its PIN, and its code on each lock (Seam's access code ids)."""

    guest: str
    arrival: date
    starts_at: datetime
    ends_at: datetime
    pin: str | None = None
    notified: bool = False
    """The host was sent the PIN."""
    missing: int = 0
    """Reads in a row, each with bookings in it, that did not have this one."""
    missed_at: datetime | None = None
    """When the last of those counted (misses closer together count once)."""
    codes: dict[str, str] = field(default_factory=dict)
    outside: set[str] = field(default_factory=set)
    """Locks whose code of this booking was deleted outside Seam (and set again)."""

    def as_json(self) -> dict[str, Any]:
        """The record as stored."""
        return {
            "guest": self.guest,
            "arrival": self.arrival.isoformat(),
            "starts_at": self.starts_at.isoformat(),
            "ends_at": self.ends_at.isoformat(),
            "pin": self.pin,
            "notified": self.notified,
            "missing": self.missing,
            "missed_at": self.missed_at.isoformat() if self.missed_at else None,
            "codes": dict(self.codes),
            "outside": sorted(self.outside),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BookingRecord:
        """A stored record; raises KeyError or ValueError when it is not one."""
        starts_at = dt_util.parse_datetime(data["starts_at"])
        ends_at = dt_util.parse_datetime(data["ends_at"])
        if starts_at is None or ends_at is None:
            raise ValueError("not a time")
        return cls(
            guest=str(data["guest"]),
            arrival=date.fromisoformat(data["arrival"]),
            starts_at=starts_at,
            ends_at=ends_at,
            pin=data.get("pin"),
            notified=bool(data.get("notified")),
            missing=int(data.get("missing") or 0),
            missed_at=dt_util.parse_datetime(data.get("missed_at") or ""),
            codes={str(k): str(v) for k, v in (data.get("codes") or {}).items()},
            outside={str(device) for device in data.get("outside") or ()},
        )


class BookingStore:
    """Every calendar's records, by calendar entity id and booking key."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """The store of one Seam entry."""
        self._store: Store[dict[str, Any]] = Store(
            hass, STORE_VERSION, f"seam.bookings.{entry_id}", private=True
        )
        self.calendars: dict[str, dict[str, BookingRecord]] = {}

    async def async_load(self) -> None:
        """Read what was stored; a store that cannot be read starts empty (codes are re-found)."""
        try:
            data = await self._store.async_load() or {}
        except Exception:
            LOGGER.warning("Could not read the stored booking codes; starting from Seam's")
            data = {}
        calendars = data.get("calendars") if isinstance(data, dict) else None
        for calendar, records in (calendars if isinstance(calendars, dict) else {}).items():
            loaded: dict[str, BookingRecord] = {}
            for key, raw in (records if isinstance(records, dict) else {}).items():
                try:
                    loaded[key] = BookingRecord.from_json(raw)
                except KeyError, ValueError, TypeError, AttributeError:
                    continue
            self.calendars[calendar] = loaded

    def records(self, calendar: str) -> dict[str, BookingRecord]:
        """The records of one calendar (made empty on first use)."""
        return self.calendars.setdefault(calendar, {})

    def keep_only(self, calendars: set[str]) -> None:
        """Forget calendars no longer set up."""
        for calendar in set(self.calendars) - calendars:
            del self.calendars[calendar]
            self.async_schedule_save()

    def async_schedule_save(self) -> None:
        """Write soon (several changes in one reconcile make one write)."""
        self._store.async_delay_save(self._data, SAVE_DELAY)

    async def async_save(self) -> None:
        """Write now: before a PIN is sent anywhere, and at unload."""
        await self._store.async_save(self._data())

    async def async_remove(self) -> None:
        """The entry is deleted: so is what it stored."""
        await self._store.async_remove()

    def _data(self) -> dict[str, Any]:
        return {
            "calendars": {
                calendar: {key: record.as_json() for key, record in records.items()}
                for calendar, records in self.calendars.items()
            }
        }
