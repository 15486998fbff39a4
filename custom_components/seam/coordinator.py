"""The coordinator: Seam's device list, read on a schedule, and the locks that come and go."""

from __future__ import annotations

from collections.abc import Callable
import time
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .api import Device, SeamClient, SeamError, SeamRateLimitedError, SeamUnauthorizedError
from .const import DOMAIN, LOGGER, PUSH_SCAN_INTERVAL, SCAN_INTERVAL
from .data import EntityPlan
from .entity_plan import plan_entities
from .locks import SeamLocks


class SeamCoordinator(DataUpdateCoordinator[dict[str, Device]]):
    """Every lock Seam lists in one workspace, by device id, as the last read returned them.

    What a lock shows belongs to its owner in `SeamLocks`: each read is handed to it with the
    time its request was sent, so a read that answers late never undoes a newer state.
    """

    config_entry: ConfigEntry[Any]

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry[Any],
        client: SeamClient,
        locks: SeamLocks,
    ) -> None:
        """Set up the coordinator for one workspace."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=DOMAIN,
            update_interval=SCAN_INTERVAL,
        )
        self.client = client
        self.locks = locks
        self.new_lock_callbacks: list[Callable[[list[Device]], None]] = []
        self._lock_ids: set[str] | None = None
        self.last_refresh_seconds: float | None = None
        self.entity_plans: dict[str, EntityPlan] = {}

    async def _async_update_data(self) -> dict[str, Device]:
        """List every device of the workspace (all pages) and keep the locks."""
        started, sent_at = time.monotonic(), dt_util.utcnow()
        try:
            devices = await self.client.list_devices()
        except SeamUnauthorizedError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="auth_failed"
            ) from err
        except SeamRateLimitedError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="update_rate_limited",
                retry_after=err.retry_after,
            ) from err
        except SeamError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="update_failed",
                translation_placeholders={"error": str(err)},
            ) from err
        self.last_refresh_seconds = time.monotonic() - started
        known = self._known_lock_ids()
        # Once a lock, a lock while Seam lists it: an offline device of Seam's pre-2024 shape may
        # stop reporting `locked`, its only sign of being one.
        locks = {
            device.device_id: device
            for device in devices
            if device.is_lock or device.device_id in known
        }
        self.locks.async_apply_read(locks, sent_at)
        self._add_remove_locks(locks, known)
        return locks

    def _known_lock_ids(self) -> set[str]:
        """The locks of the last read; before the first, those Home Assistant has devices for."""
        if self._lock_ids is not None:
            return self._lock_ids
        registry = dr.async_get(self.hass)
        return {
            device_id
            for device in dr.async_entries_for_config_entry(registry, self.config_entry.entry_id)
            for domain, device_id in device.identifiers
            if domain == DOMAIN
        }

    @callback
    def async_set_push_url(self, url: str | None) -> None:
        """Webhooks deliver changes (read only as a safety net), or none do (read often)."""
        self.update_interval = SCAN_INTERVAL if url is None else PUSH_SCAN_INTERVAL

    def _add_remove_locks(self, locks: dict[str, Device], known: set[str]) -> None:
        """Announce locks that appeared; remove the devices of locks that left the workspace.

        On the first read, `known` is what Home Assistant has devices for: a lock deleted in
        Seam while this entry was not running leaves now.
        """
        registry = dr.async_get(self.hass)
        entry_id = self.config_entry.entry_id
        first = self._lock_ids is None
        self._lock_ids = set(locks)
        if first:
            self.entity_plans = plan_entities(self.hass, entry_id, locks, first=True)
        for device_id in known - self._lock_ids:
            if device := registry.async_get_device_by_identifier((DOMAIN, device_id), entry_id):
                LOGGER.debug("Lock %s left the Seam workspace", device_id)
                registry.async_remove_device(device.id)
            self.entity_plans.pop(device_id, None)
        if added := [lock for device_id, lock in locks.items() if device_id not in known]:
            if not first:
                self.entity_plans |= plan_entities(
                    self.hass, entry_id, (lock.device_id for lock in added), first=False
                )
            for new_lock_callback in self.new_lock_callbacks:
                new_lock_callback(added)
