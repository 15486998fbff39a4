"""Seam locks as Home Assistant lock entities."""

from __future__ import annotations

from typing import Any

from homeassistant.components.lock import LockEntity
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import Device
from .commands import LockAction, LockCommandRunner
from .const import DOMAIN
from .coordinator import SeamConfigEntry, SeamCoordinator
from .entity import SeamEntity, async_add_lock_entities

# Commands are serialised per lock by LockCommandRunner; different locks run in parallel.
PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: SeamConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a lock entity for every lock of the workspace, now and as they appear."""
    async_add_lock_entities(
        entry, async_add_entities, lambda coordinator, lock: [SeamLock(coordinator, lock)]
    )


class SeamLock(SeamEntity, LockEntity):
    """A lock Seam controls. Shows only what Seam confirmed; locking/unlocking while it works."""

    _attr_name = None
    _attr_translation_key = "lock"

    def __init__(self, coordinator: SeamCoordinator, device: Device) -> None:
        """Set up the lock entity of one Seam device."""
        super().__init__(coordinator, device, None)
        self._commands = LockCommandRunner(coordinator.hass, coordinator, device.device_id)
        self._running: LockAction | None = None

    @property
    def is_locked(self) -> bool | None:
        """Locked as Seam reports it; unknown when Seam does not say."""
        return self.device.locked

    @property
    def is_locking(self) -> bool:
        """Seam is running a lock command."""
        return self._running is LockAction.LOCK

    @property
    def is_unlocking(self) -> bool:
        """Seam is running an unlock command."""
        return self._running is LockAction.UNLOCK

    async def async_lock(self, **kwargs: Any) -> None:
        """Lock through Seam and wait for Seam to confirm it."""
        await self._async_command(LockAction.LOCK, self.device.can_remotely_lock)

    async def async_unlock(self, **kwargs: Any) -> None:
        """Unlock through Seam and wait for Seam to confirm it."""
        await self._async_command(LockAction.UNLOCK, self.device.can_remotely_unlock)

    async def _async_command(self, action: LockAction, supported: bool) -> None:
        name = self.device.name
        if not supported:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key=f"cannot_{action}_remotely",
                translation_placeholders={"name": name},
            )
        await self._commands.async_run(action, name, self._set_running)

    @callback
    def _set_running(self, action: LockAction | None) -> None:
        self._running = action
        self.async_write_ha_state()
