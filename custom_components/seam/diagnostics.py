"""Diagnostics: what a maintainer needs to help, with every secret and personal detail removed."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_API_KEY, CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr

from .api import Device
from .booking_codes import diagnostics as booking_diagnostics
from .const import CONF_WEBHOOK_SECRET, DOMAIN
from .runtime import SeamConfigEntry

TO_REDACT = {
    CONF_API_KEY,
    CONF_WEBHOOK_ID,
    CONF_WEBHOOK_SECRET,
    "serial_number",
    "image_url",
    "nickname",
    "display_name",
    "title",
    "unique_id",
    "workspace_id",
    "connected_account_id",
    "url",
    "code",
}


def _device(device: Device) -> dict[str, Any]:
    return async_redact_data(asdict(device), TO_REDACT)


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: SeamConfigEntry
) -> dict[str, Any]:
    """Diagnostics of one Seam workspace."""
    data = entry.runtime_data
    coordinator = data.coordinator
    return {
        "entry": async_redact_data(entry.as_dict(), TO_REDACT),
        "coordinator": {
            "last_update_success": coordinator.last_update_success,
            "update_interval_seconds": (
                coordinator.update_interval.total_seconds() if coordinator.update_interval else None
            ),
            "last_refresh_seconds": coordinator.last_refresh_seconds,
            "seam_requests": coordinator.client.request_count,
            "locks": len(coordinator.data),
        },
        "webhooks": {
            "active": data.push.url is not None,
            "deliveries": data.push.deliveries,
            "rejected": data.push.rejected,
            "replayed": data.push.replayed,
        },
        "recent_commands": [asdict(record) for record in data.locks.history],
        "devices": [_device(lock.state.device) for lock in data.locks.by_id.values()],
        # How long each lock takes, as learned from its commands (it sets the poll schedule).
        "paces": {
            device_id: pace
            for device_id in data.locks.by_id
            if (pace := data.locks.paces.diagnostics(device_id)) is not None
        },
        # Each booking's stay and code status per lock; no PIN, no guest's name.
        "booking_calendars": [
            booking_diagnostics(calendar) for calendar in data.bookings.by_subentry.values()
        ],
    }


async def async_get_device_diagnostics(
    hass: HomeAssistant, entry: SeamConfigEntry, device_entry: dr.DeviceEntry
) -> dict[str, Any]:
    """Diagnostics of one lock."""
    locks = entry.runtime_data.locks
    device_id = next(key for domain, key in device_entry.identifiers if domain == DOMAIN)
    lock = locks.by_id.get(device_id)
    return {
        "device": _device(lock.state.device) if lock is not None else None,
        "recent_commands": [
            asdict(record) for record in locks.history if record.device_id == device_id
        ],
        "pace": locks.paces.diagnostics(device_id),
    }
