"""Seam locks as Home Assistant lock entities."""

from __future__ import annotations

from typing import Any

from homeassistant.components.lock import LockEntity
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

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


class SeamLockEntity(SeamEntity, LockEntity):
    """A lock Seam controls. Shows only what Seam confirmed; locking/unlocking while it works."""

    _attr_name = None
    _attr_translation_key = "lock"

    def __init__(self, coordinator: SeamCoordinator, lock: SeamLock) -> None:
        """Set up the lock entity of one Seam lock."""
        super().__init__(coordinator, lock, None)

    def _shown(self) -> tuple[Any, ...]:
        return (*super()._shown(), self.owner.state.running)

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
