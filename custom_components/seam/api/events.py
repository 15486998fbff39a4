"""Seam's events, as a webhook delivers them: what happened, to what, and when it happened."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .models import JSON


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _time(value: Any) -> datetime | None:
    """An ISO 8601 time with a zone (Seam's `2026-07-01T12:00:00.000Z`); None otherwise."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


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
            event_id=_str(data.get("event_id")),
            event_type=_str(data.get("event_type")) or "",
            occurred_at=_time(data.get("occurred_at")) or _time(data.get("created_at")),
            device_id=_str(data.get("device_id")),
            action_attempt_id=_str(data.get("action_attempt_id")),
            action_type=_str(data.get("action_type")),
            method=_str(data.get("method")),
            access_code_id=_str(data.get("access_code_id")),
            battery_level=_number(data.get("battery_level")),
            battery_status=_str(data.get("battery_status")),
        )
