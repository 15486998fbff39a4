"""A booking calendar's settings, as its config subentry stores them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from typing import Any, Final

SUBENTRY_BOOKING_CALENDAR: Final = "booking_calendar"
CONF_CALENDAR: Final = "calendar"
CONF_LOCKS: Final = "locks"
CONF_CHECK_IN: Final = "check_in"
CONF_CHECK_OUT: Final = "check_out"
CONF_CODE_SOURCE: Final = "code_source"
CONF_LOOK_AHEAD: Final = "look_ahead_days"
CONF_NOTIFY: Final = "notify"

CODE_RANDOM: Final = "random"
CODE_PHONE: Final = "phone"
DEFAULT_CHECK_IN: Final = "16:00:00"
DEFAULT_CHECK_OUT: Final = "11:00:00"
DEFAULT_LOOK_AHEAD: Final = 14
MAX_LOOK_AHEAD: Final = 365


def _time(value: Any, default: str) -> time:
    try:
        return time.fromisoformat(str(value or default))
    except ValueError:
        return time.fromisoformat(default)


@dataclass(frozen=True, slots=True)
class CalendarSettings:
    """Which calendar, which locks, the times of all-day stays, the code, the host's target."""

    calendar: str
    locks: tuple[str, ...]
    check_in: time
    check_out: time
    code_from_phone: bool
    look_ahead_days: int
    notify: str | None

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> CalendarSettings:
        """The settings of a subentry's data (missing values take their defaults)."""
        return cls(
            calendar=str(data[CONF_CALENDAR]),
            locks=tuple(str(lock) for lock in data.get(CONF_LOCKS) or ()),
            check_in=_time(data.get(CONF_CHECK_IN), DEFAULT_CHECK_IN),
            check_out=_time(data.get(CONF_CHECK_OUT), DEFAULT_CHECK_OUT),
            code_from_phone=data.get(CONF_CODE_SOURCE) == CODE_PHONE,
            look_ahead_days=int(data.get(CONF_LOOK_AHEAD) or DEFAULT_LOOK_AHEAD),
            notify=data.get(CONF_NOTIFY) or None,
        )

    def diagnostics(self) -> dict[str, Any]:
        """The settings as diagnostics show them."""
        return {
            "calendar": self.calendar,
            "locks": list(self.locks),
            "check_in": self.check_in.isoformat(),
            "check_out": self.check_out.isoformat(),
            "code_from_phone": self.code_from_phone,
            "look_ahead_days": self.look_ahead_days,
            "notify": self.notify is not None,
        }
