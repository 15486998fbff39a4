"""Seam locks as Home Assistant lock entities."""

from __future__ import annotations

from typing import Any

from homeassistant.components.lock import ATTR_CHANGED_BY, LockEntity
from homeassistant.components.lock.const import LockState
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.restore_state import RestoreEntity

from .const import LockAction
from .coordinator import SeamCoordinator
from .entity import SeamEntity, async_add_lock_entities
from .locks import SeamLock
from .runtime import SeamConfigEntry

# Commands are queued per lock by its owner (locks.py); different locks run in parallel.
PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: SeamConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a lock entity for every lock of the workspace, now and as they appear."""
    async_add_lock_entities(
        entry, async_add_entities, lambda coordinator, lock: [SeamLockEntity(coordinator, lock)]
    )


class SeamLockEntity(SeamEntity, LockEntity, RestoreEntity):
    """A lock Seam controls. Shows only what Seam confirmed; locking/unlocking while it works.

    `changed_by` says who or what last moved it; it survives a restart while the lock is as it
    was then.
    """

    _attr_name = None
    _attr_translation_key = "lock"

    def __init__(self, coordinator: SeamCoordinator, lock: SeamLock) -> None:
        """Set up the lock entity of one Seam lock."""
        super().__init__(coordinator, lock, None)

    def _shown(self) -> tuple[Any, ...]:
        return (*super()._shown(), self.owner.state.running, self.owner.state.changed_by)

    async def async_added_to_hass(self) -> None:
        """Restore who last moved the lock."""
        await super().async_added_to_hass()
        if (
            (last := await self.async_get_last_state()) is not None
            and isinstance(changed_by := last.attributes.get(ATTR_CHANGED_BY), str)
            and last.state in (LockState.LOCKED, LockState.UNLOCKED)
        ):
            self.owner.state.async_restore_changed_by(changed_by, last.state == LockState.LOCKED)
            self._written = self._shown()

    @property
    def changed_by(self) -> str | None:
        """Who or what last moved the lock: an access code's name, keypad, manual, ..."""
        return self.owner.state.changed_by

    @property
    def is_locked(self) -> bool | None:
        """Locked as Seam reports it; unknown when Seam does not say."""
        return self.device.locked

    @property
    def is_locking(self) -> bool:
        """Seam is running a lock command."""
        return self.owner.state.running is LockAction.LOCK

    @property
    def is_unlocking(self) -> bool:
        """Seam is running an unlock command."""
        return self.owner.state.running is LockAction.UNLOCK

    @property
    def available(self) -> bool:
        """Available while online and Seam says it can lock or unlock it now."""
        return super().available and self.device.can_be_controlled

    async def async_lock(self, **kwargs: Any) -> None:
        """Lock through Seam and wait for Seam to confirm it."""
        await self.owner.async_command(LockAction.LOCK)

    async def async_unlock(self, **kwargs: Any) -> None:
        """Unlock through Seam and wait for Seam to confirm it."""
        await self.owner.async_command(LockAction.UNLOCK)
