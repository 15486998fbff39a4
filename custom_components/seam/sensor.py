"""Battery sensors of Seam locks, from one table of descriptions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import PERCENTAGE, EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import Device
from .entity import SeamDescriptionEntity, async_add_lock_entities
from .runtime import SeamConfigEntry

# The coordinator reads every device in one call; sensors never call Seam themselves.
PARALLEL_UPDATES = 0

BATTERY_STATUSES = ["critical", "low", "good", "full"]


def _percent(level: float | None) -> int | None:
    """Seam's 0..1 level as a whole percentage (0.9999… and 1 both read 100)."""
    return None if level is None else max(0, min(100, round(level * 100)))


def _battery_status(device: Device) -> str | None:
    """Seam's battery status; one Seam adds later reads as unknown rather than a wrong state."""
    return device.battery_status if device.battery_status in BATTERY_STATUSES else None


@dataclass(frozen=True, kw_only=True)
class SeamSensorEntityDescription(SensorEntityDescription):
    """A sensor of a Seam lock: its value, and whether the lock reports it at all."""

    value_fn: Callable[[Device], int | str | None]
    supported_fn: Callable[[Device], bool]


SENSORS: tuple[SeamSensorEntityDescription, ...] = (
    SeamSensorEntityDescription(
        key="battery_level",
        device_class=SensorDeviceClass.BATTERY,
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda device: _percent(device.battery_level),
        supported_fn=lambda device: device.battery_level is not None,
    ),
    SeamSensorEntityDescription(
        key="battery_status",
        translation_key="battery_status",
        device_class=SensorDeviceClass.ENUM,
        options=BATTERY_STATUSES,
        entity_category=EntityCategory.DIAGNOSTIC,
        # The battery level says the same in numbers; the words are there for who wants them.
        entity_registry_enabled_default=False,
        value_fn=_battery_status,
        supported_fn=lambda device: device.battery_status is not None,
    ),
    SeamSensorEntityDescription(
        key="keypad_battery_level",
        translation_key="keypad_battery",
        device_class=SensorDeviceClass.BATTERY,
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda device: _percent(device.keypad_battery_level),
        supported_fn=lambda device: device.keypad_battery_level is not None,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: SeamConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the sensors each lock reports, now and as locks appear."""
    async_add_lock_entities(
        entry,
        async_add_entities,
        lambda coordinator, lock: [
            SeamSensor(coordinator, lock, description)
            for description in SENSORS
            if description.supported_fn(lock.state.device)
        ],
    )


class SeamSensor(SeamDescriptionEntity, SensorEntity):
    """One value of a Seam lock, as its lock's owner shows it."""

    entity_description: SeamSensorEntityDescription

    @property
    def native_value(self) -> int | str | None:
        """The value Seam last reported."""
        return self.entity_description.value_fn(self.device)
