"""Seam's events, as a webhook delivers them: what happened, to what, and when it happened."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .parsing import JSON, opt_datetime, opt_float, opt_str


def _aware_time(value: Any) -> datetime | None:
    """A time with a zone (Seam's `2026-07-01T12:00:00.000Z`): one without cannot be ordered."""
    parsed = opt_datetime(value)
    return parsed if parsed is not None and parsed.tzinfo is not None else None


@dataclass(frozen=True, slots=True)
class SeamEvent:
    """One Seam event. `occurred_at` is when it happened, which is not when it arrives.

    Seam retries a delivery that failed for about a day, so deliveries come late and out of
    order: what an event says is ordered by `occurred_at` (else `created_at`), never by arrival.
    """

    event_id: str | None
    event_type: str
    occurred_at: datetime | None = None
    device_id: str | None = None
    action_attempt_id: str | None = None
    action_type: str | None = None
    method: str | None = None
    access_code_id: str | None = None
    battery_level: float | None = None
    battery_status: str | None = None

    @classmethod
    def from_json(cls, data: JSON) -> SeamEvent:
        """Parse an event; a field of the wrong type reads as absent."""
        return cls(
            event_id=opt_str(data.get("event_id")),
            event_type=opt_str(data.get("event_type")) or "",
            occurred_at=_aware_time(data.get("occurred_at")) or _aware_time(data.get("created_at")),
            device_id=opt_str(data.get("device_id")),
            action_attempt_id=opt_str(data.get("action_attempt_id")),
            action_type=opt_str(data.get("action_type")),
            method=opt_str(data.get("method")),
            access_code_id=opt_str(data.get("access_code_id")),
            battery_level=opt_float(data.get("battery_level")),
            battery_status=opt_str(data.get("battery_status")),
        )
