"""What one lock shows, and when Seam says each part of it became true.

Three sources tell a lock's state: device-list reads (stamped with when the request was sent),
webhook events (stamped with Seam's `occurred_at`) and command outcomes (stamped with when Seam
answered). They arrive in any order: a retried delivery comes minutes late, a slow read answers
after a command was confirmed. Each reported value keeps the time it is true from, and a source
changes it only when what it tells is at least as new. Later arrival alone never wins.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any, Final, Protocol

from homeassistant.core import callback

from .api import Device
from .const import LockAction

# What events and command outcomes change between reads. Everything else of a device (its name,
# errors, capability flags) only comes from reads, which always carry all of it.
STAMPED_FIELDS: Final = ("locked", "online", "battery_level", "battery_status")
# `changed_by` when this Home Assistant's own command moved the lock.
CHANGED_BY_US: Final = "Home Assistant"


class LockStateListener(Protocol):
    """An entity that shows part of a lock's state."""

    def async_lock_state_changed(self) -> None:
        """Something the lock shows changed."""


class LockState:
    """The device one lock shows, the command Seam is running on it, and who is told of changes."""

    # Thousands of locks: no per-instance dict, and listeners kept as themselves.
    __slots__ = (
        "_listeners",
        "_named_at",
        "_read_at",
        "_since",
        "_unnamed_since",
        "changed_by",
        "device",
        "running",
    )

    def __init__(self, device: Device, read_at: datetime) -> None:
        """Start from a device-list read whose request was sent at `read_at`."""
        self.device = device
        self._read_at = read_at
        self._since: dict[str, datetime] = dict.fromkeys(STAMPED_FIELDS, read_at)
        self.running: LockAction | None = None
        # Who or what last moved the lock (Home Assistant's `changed_by`); None: unknown. It is
        # ordered like `locked`: `_named_at` is when the move it names happened, and
        # `_unnamed_since` bounds a move that a read showed before any event named it.
        self.changed_by: str | None = None
        self._named_at: datetime | None = None
        self._unnamed_since: datetime | None = None
        self._listeners: list[LockStateListener] = []

    @callback
    def async_add_listener(self, listener: LockStateListener) -> None:
        """Tell `listener` whenever the lock shows something new."""
        self._listeners.append(listener)

    @callback
    def async_remove_listener(self, listener: LockStateListener) -> None:
        """Stop telling `listener`."""
        self._listeners.remove(listener)

    @callback
    def async_apply_read(self, device: Device, sent_at: datetime) -> None:
        """Take a device read whose request was sent at `sent_at`.

        Values that an event or a command outcome set after `sent_at` stay: the read is older.
        A read older than the last one applied changes nothing at all. Listeners are not called
        (the coordinator tells every entity after a read).
        """
        if sent_at < self._read_at:
            return
        self._read_at = sent_at
        locked_since = self._since["locked"]
        kept: dict[str, Any] = {}
        for field in STAMPED_FIELDS:
            if self._since[field] > sent_at:
                kept[field] = getattr(self.device, field)
            else:
                self._since[field] = sent_at
        if "locked" not in kept and device.locked != self.device.locked:
            # Moved after what was shown, and a read does not say by whom; a late event may.
            self.changed_by, self._named_at, self._unnamed_since = None, None, locked_since
        self.device = replace(device, **kept) if kept else device

    @callback
    def async_apply(self, at: datetime, **values: Any) -> None:
        """Apply what an event says became true at `at`; listeners hear of a change.

        A value older than the one shown is dropped; a duplicate changes nothing.
        """
        if self._take(at, values):
            self._async_tell()

    @callback
    def async_apply_moved(self, at: datetime, locked: bool, changed_by: str | None) -> None:
        """Apply that `changed_by` locked or unlocked the lock at `at`.

        An older event changes nothing shown, except to name the mover of a move that a read
        showed first (the same state, after the last state shown before that read).
        """
        if at >= self._since["locked"]:
            if self._move(at, locked, changed_by):
                self._async_tell()
        elif (
            self._unnamed_since is not None
            and at > self._unnamed_since
            and locked is self.device.locked
            and (self._named_at is None or at >= self._named_at)
            and self._name(at, changed_by)
        ):
            self._async_tell()

    @callback
    def async_name_mover(self, at: datetime, changed_by: str) -> None:
        """A better name (an access code's) for the mover of the move made at `at`, if shown."""
        if self._named_at == at and self._name(at, changed_by):
            self._async_tell()

    @callback
    def async_restore_changed_by(self, changed_by: str, locked: bool) -> None:
        """Who moved the lock, as known before a restart, if it is still as it was then."""
        if self.changed_by is None and self.device.locked is locked:
            self.changed_by = changed_by

    def _move(self, at: datetime, locked: bool, changed_by: str | None) -> bool:
        """`changed_by` moved the lock at `at`, newer than shown; return whether it shows new."""
        self._unnamed_since = None
        named = self._name(at, changed_by)
        return self._take(at, {"locked": locked}) or named

    def _name(self, at: datetime, changed_by: str | None) -> bool:
        """`changed_by` made the move at `at`; return whether the name shown changed."""
        changed = changed_by != self.changed_by
        self.changed_by, self._named_at = changed_by, at
        return changed

    @callback
    def async_set_running(self, action: LockAction) -> None:
        """Seam is running `action` on the lock."""
        self.running = action
        self._async_tell()

    @callback
    def async_end_command(self, at: datetime | None = None, locked: bool | None = None) -> None:
        """The command under way has ended; a confirmed one moved the lock at `at`."""
        changed = False
        if at is not None and locked is not None and at >= self._since["locked"]:
            changed = self._move(at, locked, CHANGED_BY_US)
        if self.running is not None or changed:
            self.running = None
            self._async_tell()

    def _take(self, at: datetime, values: dict[str, Any]) -> bool:
        """Take the values newer than what is shown; return whether anything shown changed."""
        newer = {field: value for field, value in values.items() if at >= self._since[field]}
        for field in newer:
            self._since[field] = at
        if all(getattr(self.device, f) == v for f, v in newer.items()):
            return False
        self.device = replace(self.device, **newer)
        return True

    @callback
    def _async_tell(self) -> None:
        for listener in list(self._listeners):
            listener.async_lock_state_changed()
