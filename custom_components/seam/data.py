"""What the integration keeps beside Seam's devices: activity, push status, command records."""

from __future__ import annotations

from dataclasses import dataclass

from .const import DOMAIN


@dataclass(frozen=True, slots=True)
class LockActivity:
    """Something that happened at a lock, as a Seam event told it (locked, unlocked, ...)."""

    device_id: str
    kind: str  # "locked", "unlocked" or "access_denied"
    method: str | None = None  # keycode, manual, automatic, seamapi, unknown
    access_code_id: str | None = None
    access_code_name: str | None = None


@dataclass(slots=True)
class PushStatus:
    """How Seam's webhooks reach this entry: where, and what arrived."""

    url: str | None = None  # set while webhooks are healthy
    deliveries: int = 0  # taken and applied
    rejected: int = 0  # refused: forged, stale, malformed, not a POST, or memory full
    replayed: int = 0  # a delivery taken before, sent again: answered, not applied again


@dataclass(frozen=True, slots=True)
class CommandRecord:
    """One command sent to Seam and how it ended (kept for diagnostics)."""

    device_id: str
    action: str
    outcome: str  # "success", or the translation key of the error the user saw
    seconds: float
    action_attempt_id: str | None = None
    error_type: str | None = None


@dataclass(frozen=True, slots=True)
class EntityPlan:
    """Which of a lock's entities start enabled when they are first registered."""

    lock_enabled: bool = True
    others_enabled: bool = True


def signal_lock_activity(entry_id: str) -> str:
    """Dispatcher signal carrying each `LockActivity` of one config entry."""
    return f"{DOMAIN}_{entry_id}_lock_activity"
