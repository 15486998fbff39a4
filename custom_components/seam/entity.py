"""The base of every Seam entity: one Seam device, read from the coordinator."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .api import Device
from .const import DOMAIN
from .coordinator import SeamCoordinator
from .locks import SeamLock
from .runtime import SeamConfigEntry


@callback
def async_add_lock_entities(
    entry: SeamConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    entities_of: Callable[[SeamCoordinator, SeamLock], Iterable[Entity]],
) -> None:
    """Add the entities `entities_of` makes for each lock: the locks of now, and as they appear."""
    coordinator, owners = entry.runtime_data.coordinator, entry.runtime_data.locks.by_id

    @callback
    def add_locks(locks: list[Device]) -> None:
        async_add_entities(
            entity for lock in locks for entity in entities_of(coordinator, owners[lock.device_id])
        )

    coordinator.new_lock_callbacks.append(add_locks)
    entry.async_on_unload(lambda: coordinator.new_lock_callbacks.remove(add_locks))
    add_locks(list(coordinator.data.values()))


class SeamEntity(CoordinatorEntity[SeamCoordinator]):
    """An entity of one Seam lock; its state is what the lock's owner shows."""

    _attr_has_entity_name = True

    def __init__(self, coordinator: SeamCoordinator, lock: SeamLock, key: str | None) -> None:
        """Bind the entity to a lock; `key` is None for the lock's main entity."""
        super().__init__(coordinator)
        self.owner = lock
        device = lock.state.device
        self.device_id = device.device_id
        self._attr_unique_id = device.device_id if key is None else f"{device.device_id}-{key}"
        if (plan := coordinator.entity_plans.get(device.device_id)) is not None and not (
            plan.lock_enabled if key is None else plan.others_enabled
        ):
            # A workspace larger than Home Assistant's entity cap (see the coordinator).
            self._attr_entity_registry_enabled_default = False
        self._written: tuple[Any, ...] | None = None
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, device.device_id)},
            name=device.name,
            manufacturer=device.manufacturer,
            model=device.model,
            serial_number=device.serial_number,
        )

    @property
    def device(self) -> Device:
        """The device as its lock's owner shows it: Seam's newest word on each part."""
        return self.owner.state.device

    @property
    def listed(self) -> bool:
        """The last refresh succeeded and Seam still lists the device (online or not)."""
        return super().available and self.device_id in self.coordinator.data

    async def async_added_to_hass(self) -> None:
        """Follow the lock's owner too; Home Assistant writes the first state right after this."""
        await super().async_added_to_hass()
        self.owner.state.async_add_listener(self)
        self._written = self._shown()

    async def async_will_remove_from_hass(self) -> None:
        """Stop following the lock's owner."""
        await super().async_will_remove_from_hass()
        self.owner.state.async_remove_listener(self)

    @callback
    def async_lock_state_changed(self) -> None:
        """The lock's owner shows something new (an event, a command's progress)."""
        self._handle_coordinator_update()

    def _shown(self) -> tuple[Any, ...]:
        """What the state written depends on."""
        return (self.device, self.available)

    @callback
    def _handle_coordinator_update(self) -> None:
        """Write the state only when what it depends on changed.

        Most reads change nothing, and writing thousands of unchanged states would be most
        of a large workspace's refresh.
        """
        if (shown := self._shown()) != self._written:
            self._written = shown
            super()._handle_coordinator_update()

    @property
    def available(self) -> bool:
        """Available while Seam lists the device, it is online and Seam reaches its account.

        Other device errors do not decide it: Seam's capability flags say what still works
        (see the lock entity), and the errors become repair issues.
        """
        device = self.device
        return (
            self.listed
            and device.online
            and not any(error.is_connected_account_error for error in device.errors)
        )


class SeamDescriptionEntity(SeamEntity):
    """An entity of one Seam device, described by an `EntityDescription` whose key names it."""

    def __init__(
        self, coordinator: SeamCoordinator, lock: SeamLock, description: EntityDescription
    ) -> None:
        """Bind the description to one lock."""
        super().__init__(coordinator, lock, description.key)
        self.entity_description = description
