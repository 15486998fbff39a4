"""One reconcile of a booking calendar with its locks' codes: what to write, what to report.

`Reconcile` decides, per booking and lock, from the booking as remembered and the codes Seam
lists: adopt, move, create or delete a code, and which repair issue or status to show. It
writes through the calendar's client and store; `booking_codes.BookingCalendar` reads the
calendar and the codes, runs one, and raises what it reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Protocol

from .api import AccessCode, AccessCodeStatus, Device, SeamClient, SeamError, SeamRateLimitedError
from .booking_settings import CalendarSettings
from .booking_store import BookingRecord, BookingStore
from .bookings import choose_pin, code_name
from .const import LOGGER

# Times within this of each other are the same (Seam answers in milliseconds).
SAME_TIME = timedelta(seconds=1)
_EARLIEST = datetime.min.replace(tzinfo=UTC)
_LATEST = datetime.max.replace(tzinfo=UTC)
# A lock that takes only future starts gets a stay already begun from this far ahead.
FUTURE_START = timedelta(minutes=1)


class CodeStatus(StrEnum):
    """Where one booking's code on one lock stands."""

    ACTIVE = "active"
    SCHEDULED = "scheduled"
    FAILING = "failing"


class Problem(StrEnum):
    """What a repair issue about one booking's code on one lock says; the translation key."""

    FAILED = "booking_code_failed"
    DELAYED = "booking_code_delayed"
    DELETED_OUTSIDE = "booking_code_deleted_outside"
    NO_ROOM = "booking_code_no_room"
    REFUSED = "booking_code_refused"
    LOCK_CANNOT = "booking_code_lock_cannot"
    NO_PIN = "booking_code_no_pin"


@dataclass(frozen=True, slots=True)
class RepairIssue:
    """A repair issue to raise: its problem, the lock it is about, what it names."""

    problem: Problem
    device_id: str
    placeholders: dict[str, str]


def label(record: BookingRecord) -> str:
    """How messages name a booking: its guest and arrival, never its PIN."""
    return code_name(record.guest, record.arrival)


def same_time(a: datetime | None, b: datetime, now: datetime) -> bool:
    """The same instant for Seam, or two starts both past or due within a minute.

    A lock that takes only future starts is given one a minute ahead for a stay begun.
    """
    if a is None:
        return False
    soon = now + FUTURE_START
    return abs(a - b) < SAME_TIME or (a <= soon and b <= soon)


class CalendarView(Protocol):
    """What a reconcile needs of its calendar."""

    settings: CalendarSettings
    client: SeamClient
    store: BookingStore

    def issue_id(self, key: str, problem: Problem, device_id: str) -> str:
        """The repair issue's id of one booking, problem and lock."""

    def key_for(self, booking: str, device_id: str) -> str:
        """The `common_code_key` of the booking's code on the lock."""

    def phone(self, key: str) -> str | None:
        """The booking's phone digits, when codes come from phones."""


class Reconcile:
    """One reconcile's writes, statuses and problems."""

    def __init__(self, calendar: CalendarView, now: datetime) -> None:
        """A reconcile of `calendar` at `now`."""
        self.calendar = calendar
        self.now = now
        self.writes = 0
        self.deferred = False
        self.limited: set[str] = set()
        self.pending: set[str] = set()
        """Bookings with a code left for a later round (rate limit): the host waits for it."""
        self.statuses: dict[str, dict[str, CodeStatus]] = {}
        self.placed: dict[str, set[str]] = {}
        self.issues: dict[str, RepairIssue] = {}

    def _problem(
        self,
        key: str,
        record: BookingRecord,
        device: Device,
        problem: Problem,
        reason: str = "",
        *,
        failing: bool = True,
    ) -> None:
        """A repair issue about the booking's code on the lock; *failing* unless told not."""
        if failing:
            self.statuses.setdefault(key, {})[device.device_id] = CodeStatus.FAILING
        self.issues[self.calendar.issue_id(key, problem, device.device_id)] = RepairIssue(
            problem,
            device.device_id,
            {"booking": label(record), "lock": device.name, "reason": reason},
        )

    def _ours(
        self, key: str, record: BookingRecord, device_id: str, codes: list[AccessCode]
    ) -> AccessCode | None:
        """The booking's code on the lock: the one its create answered with, else by its key.

        The key finds a code whose answer was lost (or whose record was); Seam's fake server
        drops `common_code_key` on a single create (production keeps it), so the id comes first.
        """
        recorded = record.codes.get(device_id)
        marker = self.calendar.key_for(key, device_id)
        return next((c for c in codes if c.access_code_id == recorded), None) or next(
            (c for c in codes if c.common_code_key == marker), None
        )

    async def async_remove(
        self, key: str, record: BookingRecord, codes: dict[str, list[AccessCode]]
    ) -> bool:
        """The booking is gone: delete its codes. True once none is left."""
        done = True
        for device_id in set(record.codes) | set(self.calendar.settings.locks):
            done = await self._async_remove_from(key, record, device_id, codes) and done
        return done

    async def _async_remove_from(
        self, key: str, record: BookingRecord, device_id: str, codes: dict[str, list[AccessCode]]
    ) -> bool:
        """Delete the booking's code on one lock; True once it has none there."""
        if device_id not in codes:
            # Unread this time (or gone from Seam): done only if it never had a code there.
            return device_id not in record.codes
        code = self._ours(key, record, device_id, codes[device_id])
        if code is not None and code.status is not AccessCodeStatus.REMOVING:
            try:
                self.writes += 1
                await self.calendar.client.delete_access_code(code.access_code_id)
            except SeamError as err:
                err.hide_code(record.pin)
                LOGGER.warning("Could not delete the code of %s: %s", label(record), err)
                return False
        record.codes.pop(device_id, None)
        record.outside.discard(device_id)
        self.calendar.store.async_schedule_save()
        return True

    async def async_keep(
        self,
        key: str,
        record: BookingRecord,
        devices: dict[str, Device],
        codes: dict[str, list[AccessCode]],
    ) -> None:
        """The booking stands: each lock gets its code, in the booking's window.

        A lock no longer among the calendar's loses the booking's code.
        """
        for device_id in self.calendar.settings.locks:
            device = devices.get(device_id)
            if device is None:
                continue  # gone from Seam
            if device_id not in codes:
                self.pending.add(key)  # unread this time: nothing decided, the host waits
                continue
            code = self._ours(key, record, device_id, codes[device_id])
            if code is not None:
                await self._async_check(key, record, device, code)
            else:
                await self._async_place(key, record, device, devices, codes)
            if device_id in record.outside:
                # Deleted outside Seam while the booking lasts: say so until it ends.
                self._problem(key, record, device, Problem.DELETED_OUTSIDE, failing=False)
        for device_id in set(record.codes) - set(self.calendar.settings.locks):
            await self._async_remove_from(key, record, device_id, codes)

    async def _async_check(
        self, key: str, record: BookingRecord, device: Device, code: AccessCode
    ) -> None:
        """A code of ours is on the lock: adopt it, move its window, report its trouble."""
        store = self.calendar.store
        if record.codes.get(device.device_id) != code.access_code_id:
            record.codes[device.device_id] = code.access_code_id
            store.async_schedule_save()
        if record.pin is None and code.code:
            # Found again after the store was lost: its PIN is the booking's.
            record.pin = code.code
            store.async_schedule_save()
        self.placed.setdefault(key, set()).add(device.name)
        name = label(record)
        if not (
            same_time(code.starts_at, record.starts_at, self.now)
            and same_time(code.ends_at, record.ends_at, self.now)
            and code.name == name
        ):
            if device.device_id in self.limited:
                self._defer(key, device)
            else:
                try:
                    self.writes += 1
                    await self.calendar.client.update_access_code(
                        code.access_code_id,
                        name=name,
                        starts_at=self._start(device, record),
                        ends_at=record.ends_at,
                    )
                except SeamError as err:
                    self._refused(key, record, device, err)
                    return
        if code.errors:
            self._problem(key, record, device, Problem.FAILED, ", ".join(code.errors))
        elif any(w.startswith("delay_in_") for w in code.warnings):
            self._problem(
                key, record, device, Problem.DELAYED, ", ".join(code.warnings), failing=False
            )
            self.statuses.setdefault(key, {})[device.device_id] = CodeStatus.SCHEDULED
        else:
            active = code.status is AccessCodeStatus.SET and record.starts_at <= self.now
            self.statuses.setdefault(key, {})[device.device_id] = (
                CodeStatus.ACTIVE if active else CodeStatus.SCHEDULED
            )

    async def _async_place(
        self,
        key: str,
        record: BookingRecord,
        device: Device,
        devices: dict[str, Device],
        codes: dict[str, list[AccessCode]],
    ) -> None:
        """No code of ours on the lock: make one, with the booking's PIN (within the look-ahead)."""
        if device.device_id in record.codes:
            # It was there: deleted outside Seam (on the lock or in its app). Set it again, and
            # say so while the booking lasts.
            record.codes.pop(device.device_id)
            record.outside.add(device.device_id)
            self.calendar.store.async_schedule_save()
        if record.starts_at > self.now + timedelta(days=self.calendar.settings.look_ahead_days):
            # Moved past the look-ahead: made again once it is within (the host waits for it).
            self.pending.add(key)
            return
        if device.can_program_online_access_codes is not True:
            self._problem(key, record, device, Problem.LOCK_CANNOT, device.reason())
            return
        if device.device_id in self.limited:
            self._defer(key, device)
            return
        limit = device.max_active_codes
        if limit is not None and self._peak(record, codes[device.device_id]) >= limit:
            self._problem(key, record, device, Problem.NO_ROOM, str(limit))
            return
        if record.pin is None:
            taken = {c.code for listed in codes.values() for c in listed if c.code}
            record.pin = choose_pin(
                [devices[d] for d in self.calendar.settings.locks if d in devices],
                taken,
                self.calendar.phone(key),
            )
            if record.pin is None:
                self._problem(key, record, device, Problem.NO_PIN)
                return
            self.calendar.store.async_schedule_save()
        try:
            self.writes += 1
            access_code, _attempt = await self.calendar.client.create_access_code(
                device.device_id,
                name=label(record),
                code=record.pin,
                starts_at=self._start(device, record),
                ends_at=record.ends_at,
                common_code_key=self.calendar.key_for(key, device.device_id),
            )
        except SeamError as err:
            self._refused(key, record, device, err)
            return
        record.codes[device.device_id] = access_code.access_code_id
        codes[device.device_id].append(access_code)
        self.calendar.store.async_schedule_save()
        self.placed.setdefault(key, set()).add(device.name)
        self.statuses.setdefault(key, {})[device.device_id] = CodeStatus.SCHEDULED

    def _peak(self, record: BookingRecord, codes: list[AccessCode]) -> int:
        """The most codes on the lock valid at one moment of this booking."""
        spans = [
            (c.starts_at or _EARLIEST, c.ends_at or _LATEST)
            if c.is_time_bound
            else (_EARLIEST, _LATEST)
            for c in codes
            if c.status is not AccessCodeStatus.REMOVING
        ]
        spans = [(s, e) for s, e in spans if s < record.ends_at and e > record.starts_at]
        moments = [record.starts_at, *(s for s, _ in spans if s > record.starts_at)]
        return max(sum(s <= moment < e for s, e in spans) for moment in moments)

    def _defer(self, key: str, device: Device) -> None:
        """Left for the next round (soon): the booking's host waits for the whole set."""
        self.deferred = True
        self.pending.add(key)
        self.statuses.setdefault(key, {})[device.device_id] = CodeStatus.SCHEDULED

    def _start(self, device: Device, record: BookingRecord) -> datetime:
        """The booking's start; a lock that takes only future starts gets one a minute ahead."""
        if (
            "start_date_in_future" in device.code_constraints.constraint_types
            and record.starts_at <= self.now
        ):
            return self.now + FUTURE_START
        return record.starts_at

    def _refused(self, key: str, record: BookingRecord, device: Device, err: SeamError) -> None:
        """Seam said no: a rate limit waits for the next round, anything else is a problem."""
        err.hide_code(record.pin)
        if isinstance(err, SeamRateLimitedError):
            self.limited.add(device.device_id)
            self._defer(key, device)
            return
        LOGGER.warning("Seam refused the code of %s on %s: %s", label(record), device.name, err)
        self._problem(key, record, device, Problem.REFUSED, str(err))
