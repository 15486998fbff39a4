"""The base of every Seam entity: one Seam device, read from the coordinator."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .api import Device
from .const import DOMAIN, HARMLESS_DEVICE_ERRORS
from .coordinator import SeamConfigEntry, SeamCoordinator


@callback
def async_add_lock_entities(
    entry: SeamConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    entities_of: Callable[[SeamCoordinator, Device], Iterable[Entity]],
) -> None:
    """Add the entities `entities_of` makes for each lock: the locks of now, and as they appear."""
    coordinator = entry.runtime_data

    @callback
    def add_locks(locks: list[Device]) -> None:
        async_add_entities(entity for lock in locks for entity in entities_of(coordinator, lock))

    coordinator.new_lock_callbacks.append(add_locks)
    entry.async_on_unload(lambda: coordinator.new_lock_callbacks.remove(add_locks))
    add_locks(list(coordinator.data.values()))


class SeamEntity(CoordinatorEntity[SeamCoordinator]):
    """An entity of one Seam device; its state comes from the coordinator's latest data."""

    _attr_has_entity_name = True

    def __init__(self, coordinator: SeamCoordinator, device: Device, key: str | None) -> None:
        """Bind the entity to a device; `key` is None for the device's main entity."""
        super().__init__(coordinator)
        self.device_id = device.device_id
        self._last_device = device
        self._attr_unique_id = device.device_id if key is None else f"{device.device_id}-{key}"
        if (plan := coordinator.entity_plans.get(device.device_id)) is not None and not (
            plan.lock_enabled if key is None else plan.others_enabled
        ):
            # A workspace larger than Home Assistant's entity cap (see the coordinator).
            self._attr_entity_registry_enabled_default = False
        self._written: tuple[Device | None, bool] | None = None
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, device.device_id)},
            name=device.name,
            manufacturer=device.manufacturer,
            model=device.model,
            serial_number=device.serial_number,
        )

    @property
    def device(self) -> Device:
        """The device as Seam last reported it."""
        if (device := self.coordinator.data.get(self.device_id)) is not None:
            self._last_device = device
        return self._last_device

    @property
    def listed(self) -> bool:
        """The last refresh succeeded and Seam still lists the device (online or not)."""
        return super().available and self.device_id in self.coordinator.data

    async def async_added_to_hass(self) -> None:
        """Home Assistant writes the first state right after this: remember what it shows."""
        await super().async_added_to_hass()
        self._written = (self.coordinator.data.get(self.device_id), self.available)

    @callback
    def _handle_coordinator_update(self) -> None:
        """Write the state only when the device or its availability changed.

        Most refreshes change nothing, and writing thousands of unchanged states would be most
        of a large workspace's refresh.
        """
        written = (self.coordinator.data.get(self.device_id), self.available)
        if written != self._written:
            self._written = written
            super()._handle_coordinator_update()

    @property
    def available(self) -> bool:
        """Available while Seam lists the device, it is online and no error blocks control."""
        device = self.coordinator.data.get(self.device_id)
        return (
            self.listed
            and device is not None
            and device.online
            and not any(error.code not in HARMLESS_DEVICE_ERRORS for error in device.errors)
        )


class SeamDescriptionEntity(SeamEntity):
    """An entity of one Seam device, described by an `EntityDescription` whose key names it."""

    def __init__(
        self, coordinator: SeamCoordinator, device: Device, description: EntityDescription
    ) -> None:
        """Bind the description to one device."""
        super().__init__(coordinator, device, description.key)
        self.entity_description = description
