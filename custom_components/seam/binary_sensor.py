"""Door and connectivity binary sensors of Seam locks, from one table of descriptions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import Device
from .entity import SeamDescriptionEntity, async_add_lock_entities
from .runtime import SeamConfigEntry

# The coordinator reads every device in one call; sensors never call Seam themselves.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class SeamBinarySensorEntityDescription(BinarySensorEntityDescription):
    """A binary sensor of a Seam lock: its value, and whether the lock reports it at all."""

    is_on_fn: Callable[[Device], bool | None]
    supported_fn: Callable[[Device], bool] = lambda _: True
    # Shown while Seam lists the device even when it is offline: it is what reports offline.
    available_offline: bool = False


BINARY_SENSORS: tuple[SeamBinarySensorEntityDescription, ...] = (
    SeamBinarySensorEntityDescription(
        key="door",
        device_class=BinarySensorDeviceClass.DOOR,
        is_on_fn=lambda device: device.door_open,
        supported_fn=lambda device: device.door_open is not None,
    ),
    SeamBinarySensorEntityDescription(
        key="connectivity",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        entity_category=EntityCategory.DIAGNOSTIC,
        is_on_fn=lambda device: device.online,
        available_offline=True,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: SeamConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the binary sensors each lock reports, now and as locks appear."""
    async_add_lock_entities(
        entry,
        async_add_entities,
        lambda coordinator, lock: [
            SeamBinarySensor(coordinator, lock, description)
            for description in BINARY_SENSORS
            if description.supported_fn(lock.state.device)
        ],
    )


class SeamBinarySensor(SeamDescriptionEntity, BinarySensorEntity):
    """One on/off value of a Seam lock, as its lock's owner shows it."""

    entity_description: SeamBinarySensorEntityDescription

    @property
    def is_on(self) -> bool | None:
        """The value Seam last reported."""
        return self.entity_description.is_on_fn(self.device)

    @property
    def available(self) -> bool:
        """Available as the lock is, or, for connectivity, whenever Seam lists the device."""
        if self.entity_description.available_offline:
            return self.listed
        return super().available
