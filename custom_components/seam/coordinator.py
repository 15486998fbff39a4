"""The coordinator: Seam's device list, turned into Home Assistant updates."""

from __future__ import annotations

import asyncio
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import replace
import time
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers import (
    device_registry as dr,
    entity_platform,
    entity_registry as er,
)
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .api import (
    ActionAttempt,
    ActionAttemptStatus,
    Device,
    SeamClient,
    SeamError,
    SeamRateLimitedError,
    SeamUnauthorizedError,
)
from .const import DOMAIN, LOGGER, PUSH_SCAN_INTERVAL, SCAN_INTERVAL
from .data import CommandRecord, EntityPlan, LockActivity, PushStatus, signal_lock_activity

# Events that change what Home Assistant knows of the device list as a whole: read it again.
_REFRESH_EVENTS = frozenset(
    {
        "device.added",
        "device.removed",
        "device.deleted",
        "device.name_changed",
        "connected_account.connected",
        "connected_account.disconnected",
        "connected_account.reauthorization_requested",
    }
)
_ACTIVITY = {
    "lock.locked": "locked",
    "lock.unlocked": "unlocked",
    "lock.access_denied": "access_denied",
}
# Outcomes pushed before the command that caused them was answered (a fast lock can beat
# Seam's own HTTP answer); kept briefly so the waiter still finds them.
_EARLY_OUTCOMES = 256
# The most entities of one lock that start enabled: the lock, its activity, door, connectivity,
# battery and keypad battery (battery status starts disabled anyway).
ENABLED_ENTITIES_PER_LOCK = 6

type SeamConfigEntry = ConfigEntry[SeamCoordinator]


class SeamCoordinator(DataUpdateCoordinator[dict[str, Device]]):
    """Keeps every lock of one Seam workspace, by device id."""

    config_entry: SeamConfigEntry

    def __init__(self, hass: HomeAssistant, entry: SeamConfigEntry, client: SeamClient) -> None:
        """Set up the coordinator for one workspace."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=DOMAIN,
            update_interval=SCAN_INTERVAL,
        )
        self.client = client
        self.new_lock_callbacks: list[Callable[[list[Device]], None]] = []
        # Lock states Seam confirmed through an action attempt, with when: a device list that
        # was requested before that moment is older than the confirmation and must not undo it.
        self._confirmed: dict[str, tuple[bool, float]] = {}
        self._lock_ids: set[str] | None = None
        self._attempt_waiters: dict[str, asyncio.Future[ActionAttempt]] = {}
        self._early_outcomes: OrderedDict[str, ActionAttempt] = OrderedDict()
        self.push = PushStatus()
        self.recent_commands: deque[CommandRecord] = deque(maxlen=25)
        self._access_code_names: dict[str, str] = {}
        self.last_refresh_seconds: float | None = None
        self.entity_plans: dict[str, EntityPlan] = {}

    async def _async_update_data(self) -> dict[str, Device]:
        """List every device of the workspace (all pages) and keep the locks."""
        started = time.monotonic()
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
        locks = {device.device_id: device for device in devices if device.is_lock}
        for device_id, (locked, at) in list(self._confirmed.items()):
            if at <= started:
                del self._confirmed[device_id]
            elif (device := locks.get(device_id)) is not None and device.locked != locked:
                locks[device_id] = replace(device, locked=locked)
        self._add_remove_locks(locks)
        return locks

    @callback
    def async_set_confirmed_locked(self, device_id: str, locked: bool) -> None:
        """Show a lock state Seam just confirmed, without waiting for the next refresh."""
        self._confirmed[device_id] = (locked, time.monotonic())
        if self.data and (device := self.data.get(device_id)) is not None:
            self.data[device_id] = replace(device, locked=locked)
            self.async_update_listeners()

    @callback
    def async_set_push_url(self, url: str | None) -> None:
        """Webhooks deliver changes to `url` (poll only as a safety net), or none do (poll)."""
        self.push.url = url
        self.update_interval = SCAN_INTERVAL if url is None else PUSH_SCAN_INTERVAL

    @callback
    def async_expect_action_attempt(
        self, action_attempt_id: str
    ) -> asyncio.Future[ActionAttempt] | None:
        """A future that a webhook resolves with the attempt's outcome; None without webhooks."""
        if self.push.url is None:
            return None
        future = self._attempt_waiters.setdefault(action_attempt_id, self.hass.loop.create_future())
        if (early := self._early_outcomes.pop(action_attempt_id, None)) is not None:
            future.set_result(early)
        return future

    @callback
    def async_forget_action_attempt(self, action_attempt_id: str) -> None:
        """The command has ended: stop waiting for its webhook."""
        if (future := self._attempt_waiters.pop(action_attempt_id, None)) is not None:
            future.cancel()

    async def async_handle_event(self, event: dict[str, Any]) -> None:
        """Apply one verified Seam event to what Home Assistant shows."""
        event_type = str(event.get("event_type"))
        device_id = event.get("device_id")
        if event_type.startswith(("action_attempt.lock_door.", "action_attempt.unlock_door.")):
            self._resolve_action_attempt(event)
        elif event_type in _REFRESH_EVENTS:
            await self.async_request_refresh()
        elif not isinstance(device_id, str) or device_id not in (self.data or {}):
            LOGGER.debug("Ignoring %s for a device that is not a known lock", event_type)
        elif event_type in _ACTIVITY:
            if event_type != "lock.access_denied":
                self.async_set_confirmed_locked(device_id, event_type == "lock.locked")
            code_id = event.get("access_code_id")
            async_dispatcher_send(
                self.hass,
                signal_lock_activity(self.config_entry.entry_id),
                LockActivity(
                    device_id=device_id,
                    kind=_ACTIVITY[event_type],
                    method=event.get("method"),
                    access_code_id=code_id,
                    access_code_name=(
                        await self._async_access_code_name(device_id, code_id)
                        if isinstance(code_id, str)
                        else None
                    ),
                ),
            )
        elif event_type in ("device.connected", "device.disconnected"):
            self._patch_device(device_id, online=event_type == "device.connected")
        elif event_type in ("device.low_battery", "device.battery_status_changed"):
            changes: dict[str, Any] = {}
            if isinstance(level := event.get("battery_level"), int | float):
                changes["battery_level"] = float(level)
            if isinstance(status := event.get("battery_status"), str):
                changes["battery_status"] = status
            self._patch_device(device_id, **changes)

    async def _async_access_code_name(self, device_id: str, access_code_id: str) -> str | None:
        """The name of the code that opened a lock: one read of the lock's codes per new code."""
        if access_code_id not in self._access_code_names:
            try:
                codes = await self.client.list_access_codes(device_id)
            except SeamError as err:
                LOGGER.debug("Could not name access code %s: %s", access_code_id, err)
                return None
            self._access_code_names.update({code.access_code_id: code.name for code in codes})
        return self._access_code_names.get(access_code_id)

    def _resolve_action_attempt(self, event: dict[str, Any]) -> None:
        attempt_id = event.get("action_attempt_id")
        if not isinstance(attempt_id, str):
            return
        succeeded = str(event.get("event_type")).endswith(".succeeded")
        attempt = ActionAttempt(
            action_attempt_id=attempt_id,
            action_type=str(event.get("action_type") or "UNKNOWN"),
            status=ActionAttemptStatus.SUCCESS if succeeded else ActionAttemptStatus.ERROR,
        )
        future = self._attempt_waiters.get(attempt_id)
        if future is None:
            self._early_outcomes[attempt_id] = attempt
            while len(self._early_outcomes) > _EARLY_OUTCOMES:
                self._early_outcomes.popitem(last=False)
        elif not future.done():
            future.set_result(attempt)

    def _patch_device(self, device_id: str, **changes: Any) -> None:
        if changes and (device := self.data.get(device_id)) is not None:
            self.data[device_id] = replace(device, **changes)
            self.async_update_listeners()

    @callback
    def async_mark_removed(self, device_id: str) -> None:
        """Seam no longer knows this device: make its entities unavailable at once."""
        if self.data and self.data.pop(device_id, None) is not None:
            self.async_update_listeners()

    def _add_remove_locks(self, locks: dict[str, Device]) -> None:
        """Announce locks that appeared; remove the devices of locks that left the workspace."""
        registry = dr.async_get(self.hass)
        known, self._lock_ids = self._lock_ids, set(locks)
        if first := known is None:
            self._plan_entities(list(locks.values()), first=True)
            # First refresh: a lock deleted in Seam while this entry was not running leaves now.
            known = {
                device_id
                for device in dr.async_entries_for_config_entry(
                    registry, self.config_entry.entry_id
                )
                for domain, device_id in device.identifiers
                if domain == DOMAIN
            }
        if removed := known - self._lock_ids:
            for device_id in removed:
                if device := registry.async_get_device_by_identifier(
                    (DOMAIN, device_id), self.config_entry.entry_id
                ):
                    LOGGER.debug("Lock %s left the Seam workspace", device_id)
                    registry.async_remove_device(device.id)
                self.entity_plans.pop(device_id, None)
        if added := [lock for device_id, lock in locks.items() if device_id not in known]:
            if not first:
                self._plan_entities(added, first=False)
            for new_lock_callback in self.new_lock_callbacks:
                new_lock_callback(added)

    def _plan_entities(self, locks: list[Device], *, first: bool) -> None:
        """Decide which entities of these locks start enabled, within Home Assistant's cap.

        Home Assistant adds at most `MAX_ENABLED_ENTITIES_PER_CONFIG_ENTRY` (10,000) enabled
        entities to an entry and the platforms would race for them. In a workspace too large
        for all of them the locks come first: lock entities start enabled up to the cap, and
        every other entity (and any lock past the cap) starts disabled, for the user to enable.
        """
        cap = entity_platform.MAX_ENABLED_ENTITIES_PER_CONFIG_ENTRY
        if first:  # every entity of the entry belongs to one of these locks
            budget = cap
        else:
            budget = cap - sum(
                entity.disabled_by is None
                for entity in er.async_entries_for_config_entry(
                    er.async_get(self.hass), self.config_entry.entry_id
                )
            )
        fits = len(locks) * ENABLED_ENTITIES_PER_LOCK <= budget
        for number, lock in enumerate(locks):
            self.entity_plans[lock.device_id] = EntityPlan(
                lock_enabled=number < budget, others_enabled=fits
            )
