"""Bookings read from a calendar, and the door code each one gets: pure rules, no Home Assistant.

A booking is keyed by its calendar event's UID (with the recurrence id of one occurrence), so a
booking whose dates change stays the same booking. Its window is the event's own times; an
all-day event (dates only) starts at the configured check-in time on its first day and ends at
the configured check-out time on the day after its last, in Home Assistant's time zone, so a
stay across a daylight-saving change still starts and ends at the times the host gave.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, tzinfo
import hashlib
import re
import secrets

from .access_code_rules import CODE_RULES, SEAM_CODE_LENGTHS
from .api import Device

# Summaries that booking sites use for dates blocked by the host, not booked by a guest.
_BLOCKED = re.compile(r"not available|blocked|unavailable", re.IGNORECASE)
# Prefixes booking sites put before the guest's name ("Reserved - Ana Silva").
_PREFIX = re.compile(r"^\s*(reserved|reservation|booking|booked)\s*[-:\u2013]\s*", re.IGNORECASE)
# Airbnb's export gives only the phone's last four digits; others give the whole number.
_LAST_FOUR = re.compile(r"last\s*4\s*digits\)?\s*:?\s*(\d{4})\b", re.IGNORECASE)
_PHONE = re.compile(r"\+?\d[\d\s().\-/]{5,}\d")
# Codes of these lengths are preferred, in this order, when every lock takes them.
PREFERRED_LENGTHS = (6, 4, 5, 7, 8)
NAME_LIMIT = 48
_RANDOM_TRIES = 200


@dataclass(frozen=True, slots=True)
class Booking:
    """One stay: who, from when to when (UTC), and the phone digits its description gave."""

    key: str
    guest: str
    arrival: date
    """The day the stay starts, in Home Assistant's time zone."""
    starts_at: datetime
    ends_at: datetime
    phone: str | None = None


def code_name(guest: str, arrival: date) -> str:
    """`Ana Silva 2026-12-05`: short enough for Seam and the lock's app."""
    suffix = f" {arrival.isoformat()}"
    return guest[: NAME_LIMIT - len(suffix)].rstrip() + suffix


def booking_key(uid: str | None, recurrence_id: str | None, summary: str, start: object) -> str:
    """The event's UID (and occurrence); without a UID, its summary and first day."""
    if uid:
        return f"{uid}/{recurrence_id}" if recurrence_id else uid
    day = start.date() if isinstance(start, datetime) else start
    return f"summary:{summary.strip().casefold()}/{day}"


def guest_name(summary: str) -> str:
    """The guest as the summary names them, without a booking site's prefix."""
    name = _PREFIX.sub("", summary).strip()
    return name or summary.strip() or "Guest"


def is_blocked(summary: str) -> bool:
    """Dates the host blocked, not a guest's stay: they get no code."""
    return bool(_BLOCKED.search(summary))


def phone_digits(description: str | None) -> str | None:
    """The digits of the last phone number the description gives (Airbnb: its last four)."""
    if not description:
        return None
    if match := _LAST_FOUR.search(description):
        return match.group(1)
    numbers = ["".join(c for c in m.group(0) if c.isdigit()) for m in _PHONE.finditer(description)]
    numbers = [n for n in numbers if len(n) >= 7]
    return numbers[-1] if numbers else None


def stay_window(
    start: date | datetime,
    end: date | datetime,
    check_in: time,
    check_out: time,
    zone: tzinfo,
) -> tuple[datetime, datetime]:
    """The stay in UTC: the event's own times, or for dates the configured local times.

    An all-day event's end date is exclusive (iCalendar's DTEND): a stay from the 5th to the
    8th is written 5th-8th and the guest leaves on the 8th.
    """
    if isinstance(start, datetime) and isinstance(end, datetime):
        return _utc(start, zone), _utc(end, zone)
    first = start.date() if isinstance(start, datetime) else start
    last = end.date() if isinstance(end, datetime) else end
    starts = datetime.combine(first, check_in, tzinfo=zone)
    ends = datetime.combine(last, check_out, tzinfo=zone)
    return starts.astimezone(UTC), ends.astimezone(UTC)


def _utc(value: datetime, zone: tzinfo) -> datetime:
    return (value if value.tzinfo else value.replace(tzinfo=zone)).astimezone(UTC)


def booking_from_event(
    *,
    uid: str | None,
    recurrence_id: str | None,
    summary: str,
    description: str | None,
    start: date | datetime,
    end: date | datetime,
    check_in: time,
    check_out: time,
    zone: tzinfo,
) -> Booking | None:
    """The booking an event is, or None for blocked dates and stays with no time in them."""
    if is_blocked(summary):
        return None
    starts_at, ends_at = stay_window(start, end, check_in, check_out, zone)
    if ends_at <= starts_at:
        return None
    return Booking(
        key=booking_key(uid, recurrence_id, summary, start),
        guest=guest_name(summary),
        arrival=starts_at.astimezone(zone).date(),
        starts_at=starts_at,
        ends_at=ends_at,
        phone=phone_digits(description),
    )


def code_key(scope: str, booking: str, device_id: str) -> str:
    """The `common_code_key` that marks a code as this booking's on this lock.

    Only codes carrying it are ever changed or deleted, and a code Seam made whose answer was
    lost (a restart mid-request) is found again instead of made twice.
    """
    digest = hashlib.sha256(f"{scope}\0{booking}\0{device_id}".encode()).hexdigest()
    return f"ha_booking_{digest[:32]}"


def common_lengths(devices: Iterable[Device]) -> list[int]:
    """Code lengths every lock takes, preferred first."""
    allowed = set(SEAM_CODE_LENGTHS)
    for device in devices:
        allowed &= set(device.code_constraints.supported_code_lengths or SEAM_CODE_LENGTHS)
    ordered = [n for n in PREFERRED_LENGTHS if n in allowed]
    return ordered + sorted(allowed - set(ordered))


def code_breaks(device: Device, code: str) -> bool:
    """The lock would refuse this code (length or one of its rules)."""
    constraints = device.code_constraints
    lengths = constraints.supported_code_lengths or SEAM_CODE_LENGTHS
    if "cannot_specify_pin_code" in constraints.constraint_types or len(code) not in lengths:
        return True
    return any(
        (rule := CODE_RULES.get(constraint)) is not None and rule(code)
        for constraint in constraints.constraint_types
    )


def choose_pin(devices: list[Device], taken: set[str], phone: str | None = None) -> str | None:
    """A code every lock accepts and none already uses: the phone's digits if they qualify.

    Random codes come from `secrets`. None: the locks share no length (each needs its own
    code, which this feature does not make up) or a lock names no code at all.
    """
    lengths = common_lengths(devices)
    if not lengths or any(
        "cannot_specify_pin_code" in d.code_constraints.constraint_types for d in devices
    ):
        return None
    if phone:
        for length in lengths:
            candidate = phone[-length:]
            if (
                len(candidate) == length
                and candidate not in taken
                and not any(code_breaks(d, candidate) for d in devices)
            ):
                return candidate
    length = lengths[0]
    for _ in range(_RANDOM_TRIES):
        candidate = "".join(secrets.choice("0123456789") for _ in range(length))
        if candidate not in taken and not any(code_breaks(d, candidate) for d in devices):
            return candidate
    return None
