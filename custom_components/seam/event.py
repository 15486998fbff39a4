"""The activity of each Seam lock (locked, unlocked, access denied) as an event entity."""

from __future__ import annotations

from homeassistant.components.event import EventEntity
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import SeamCoordinator
from .data import LockActivity, signal_lock_activity
from .entity import SeamEntity, async_add_lock_entities
from .locks import SeamLock
from .runtime import SeamConfigEntry

# Events arrive by push; the entity never calls Seam.
PARALLEL_UPDATES = 0

ACTIVITY_TYPES = ["locked", "unlocked", "access_denied"]


async def async_setup_entry(
    hass: HomeAssistant,
    entry: SeamConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add an activity event entity for every lock, now and as locks appear."""
    async_add_lock_entities(
        entry,
        async_add_entities,
        lambda coordinator, lock: [SeamActivityEvent(coordinator, lock)],
    )


class SeamActivityEvent(SeamEntity, EventEntity):
    """What happened at a lock, as Seam's events tell it: how, and with which access code."""

    _attr_translation_key = "activity"
    _attr_event_types = ACTIVITY_TYPES

    def __init__(self, coordinator: SeamCoordinator, lock: SeamLock) -> None:
        """Set up the activity event entity of one lock."""
        super().__init__(coordinator, lock, "activity")

    @property
    def available(self) -> bool:
        """Available while Seam lists the lock: events from an offline lock still happened."""
        return self.listed

    async def async_added_to_hass(self) -> None:
        """Listen to the lock activity the webhook receiver dispatches."""
        await super().async_added_to_hass()
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass,
                signal_lock_activity(self.coordinator.config_entry.entry_id),
                self._handle_activity,
            )
        )

    @callback
    def _handle_activity(self, activity: LockActivity) -> None:
        if activity.device_id != self.device_id or activity.kind not in ACTIVITY_TYPES:
            return
        details = {
            "method": activity.method,
            "access_code_id": activity.access_code_id,
            "access_code_name": activity.access_code_name,
        }
        self._trigger_event(
            activity.kind, {key: value for key, value in details.items() if value is not None}
        )
        self.async_write_ha_state()
