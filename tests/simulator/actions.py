"""Action attempts: created pending by lock/unlock, resolved later by a tracked timer."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, replace
import uuid

from .models import JsonObject, Outcome, SimDevice


@dataclass
class _Pending:
    device_id: str
    lock: bool
    timer: asyncio.TimerHandle | None


class ActionAttempts:
    """Every action attempt's Seam JSON, and the timers that will resolve the pending ones."""

    def __init__(self, devices: dict[str, SimDevice]) -> None:
        """Resolve attempts against `devices` (the simulator's live device map)."""
        self.by_id: dict[str, JsonObject] = {}
        self.device_of: dict[str, str] = {}  # attempt id -> device id, in creation order
        self._devices = devices
        self._pending: dict[str, _Pending] = {}
        # Told of each resolution (attempt JSON, device id, lock?), e.g. to emit webhook events.
        self.on_resolved: Callable[[JsonObject, str, bool], None] | None = None

    def start(self, device: SimDevice, *, lock: bool) -> JsonObject:
        """Create a pending LOCK_DOOR/UNLOCK_DOOR attempt; return a snapshot of it.

        The outcome is taken from the device now, and applied after its actuation delay.
        Even a zero delay resolves on a later loop iteration, so the answer to the request that
        created the attempt always says `pending`, like production.
        """
        attempt_id = str(uuid.uuid4())
        attempt: JsonObject = {
            "action_attempt_id": attempt_id,
            "action_type": "LOCK_DOOR" if lock else "UNLOCK_DOOR",
            "status": "pending",
            "result": None,
            "error": None,
        }
        self.by_id[attempt_id] = attempt
        self.device_of[attempt_id] = device.device_id
        pending = _Pending(device.device_id, lock, timer=None)
        self._pending[attempt_id] = pending
        # A copy: changing the device's outcome later only affects later attempts.
        outcome = replace(device.outcome)
        if outcome.status != "never":
            pending.timer = asyncio.get_running_loop().call_later(
                max(device.actuation_delay, 0.0), self._resolve, attempt_id, outcome
            )
        return dict(attempt)

    def complete(self, action_attempt_id: str, outcome: Outcome) -> None:
        """Resolve a pending attempt now (an outcome of `never` just cancels its timer)."""
        if action_attempt_id not in self.by_id:
            raise KeyError(f"Unknown action attempt {action_attempt_id!r}")
        pending = self._pending.get(action_attempt_id)
        if pending is None:
            status = self.by_id[action_attempt_id]["status"]
            raise ValueError(f"Action attempt {action_attempt_id!r} is already {status}")
        if pending.timer is not None:
            pending.timer.cancel()
            pending.timer = None
        if outcome.status != "never":
            self._resolve(action_attempt_id, outcome)

    def cancel_timers(self) -> None:
        """Cancel every scheduled resolution; those attempts stay pending."""
        for pending in self._pending.values():
            if pending.timer is not None:
                pending.timer.cancel()
                pending.timer = None

    def _resolve(self, action_attempt_id: str, outcome: Outcome) -> None:
        # Home Assistant's async_fire_time_changed may run a timer early and then cancel it,
        # and complete() may race the timer: only the first resolution counts.
        pending = self._pending.pop(action_attempt_id, None)
        if pending is None:
            return
        attempt = self.by_id[action_attempt_id]
        if outcome.status == "success":
            result: JsonObject = {}
            if outcome.was_confirmed_by_device is not None:
                result["was_confirmed_by_device"] = outcome.was_confirmed_by_device
            attempt.update(status="success", result=result, error=None)
            # A device removed meanwhile has no state left to update; one whose provider did
            # not confirm the move stays as it was (Seam's `was_confirmed_by_device: false`).
            device = self._devices.get(pending.device_id)
            if device is not None and outcome.was_confirmed_by_device is not False:
                device.locked = pending.lock
        else:
            error = {"type": outcome.error_type, "message": outcome.error_message}
            attempt.update(status="error", result=None, error=error)
        if self.on_resolved is not None:
            self.on_resolved(attempt, pending.device_id, pending.lock)
