"""Battery sensors of Seam locks, from one table of descriptions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import PERCENTAGE, EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from .api import Device
from .booking_codes import BookingCalendar
from .booking_run import CodeStatus, label
from .const import DOMAIN
from .entity import SeamDescriptionEntity, async_add_lock_entities
from .runtime import SeamConfigEntry

# The coordinator reads every device in one call; sensors never call Seam themselves.
PARALLEL_UPDATES = 0

BATTERY_STATUSES = ["critical", "low", "good", "full"]
BOOKING_STATES = ["idle", "scheduled", "active", "failing"]


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
    for subentry_id, calendar in entry.runtime_data.bookings.by_subentry.items():
        async_add_entities([BookingCodesSensor(entry, calendar)], config_subentry_id=subentry_id)


class SeamSensor(SeamDescriptionEntity, SensorEntity):
    """One value of a Seam lock, as its lock's owner shows it."""

    entity_description: SeamSensorEntityDescription

    @property
    def native_value(self) -> int | str | None:
        """The value Seam last reported."""
        return self.entity_description.value_fn(self.device)


class BookingCodesSensor(SensorEntity):
    """A booking calendar's door codes: failing, active, scheduled, or no bookings.

    Its attributes count the codes (one per booking and lock) and list each booking's stay
    and codes, never a PIN.
    """

    _attr_has_entity_name = True
    _attr_translation_key = "booking_codes"
    _attr_device_class = SensorDeviceClass.ENUM
    _attr_options = BOOKING_STATES
    _attr_should_poll = False

    def __init__(self, entry: SeamConfigEntry, calendar: BookingCalendar) -> None:
        """The sensor of `calendar`, on a service device named after it."""
        self._calendar = calendar
        self._attr_unique_id = f"{calendar.subentry_id}_booking_codes"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, f"{entry.entry_id}_{calendar.subentry_id}")},
            name=calendar.title,
            entry_type=DeviceEntryType.SERVICE,
            manufacturer="Seam",
            model="Booking calendar",
        )

    async def async_added_to_hass(self) -> None:
        """Follow each reconcile."""
        self.async_on_remove(self._calendar.async_add_listener(self.async_write_ha_state))

    @property
    def native_value(self) -> str:
        """The worst of the codes: failing, else active, else scheduled, else no bookings."""
        status = self._calendar.status
        for state in (CodeStatus.FAILING, CodeStatus.ACTIVE, CodeStatus.SCHEDULED):
            if status.count(state):
                return state.value
        return "idle"

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """Counts, and each booking's stay and code per lock (no PIN)."""
        status = self._calendar.status
        names = self._calendar.lock_names()
        return {
            "active": status.count(CodeStatus.ACTIVE),
            "scheduled": status.count(CodeStatus.SCHEDULED),
            "failing": status.count(CodeStatus.FAILING),
            "last_check": status.last_reconcile,
            "bookings": [
                {
                    "booking": label(record),
                    "check_in": dt_util.as_local(record.starts_at).isoformat(),
                    "check_out": dt_util.as_local(record.ends_at).isoformat(),
                    "codes": {
                        names.get(device_id, device_id): code.value
                        for device_id, code in status.bookings.get(key, {}).items()
                    },
                }
                for key, record in sorted(
                    self._calendar.records.items(), key=lambda item: item[1].starts_at
                )
            ],
        }
