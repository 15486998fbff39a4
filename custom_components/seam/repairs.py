"""Repair issues for problems a user must fix outside Home Assistant, cleared when Seam clears them.

Seam reports them as device errors. One issue per account problem (an account's devices share
it) and one per device problem; an error code Seam adds later still surfaces, generically.
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_platform, issue_registry as ir

from .api import Device, DeviceError
from .const import DOMAIN
from .issues import BOOKING_ISSUE_PREFIX, async_raise_issue
from .runtime import SeamConfigEntry

# Codes with their own explanation of what to do; any other code gets the generic one.
KNOWN_ERRORS = frozenset(
    {
        "account_disconnected",
        "subscription_required",
        "bridge_disconnected",
        "hub_disconnected",
        "device_disconnected",
        "device_removed",
        "missing_device_credentials",
        "august_lock_missing_bridge",
        "august_lock_not_authorized",
        "ttlock_lock_not_paired_to_gateway",
        "lockly_missing_wifi_bridge",
        "salto_ks_subscription_limit_exceeded",
    }
)
# Nothing to repair by hand: offline is shown as unavailable, which says enough; the others
# are informational and change nothing about the lock.
NOT_REPAIRS = frozenset(
    {"device_offline", "empty_backup_access_code_pool", "auxiliary_heat_running"}
)


def _issue(device: Device, error: DeviceError) -> tuple[str, str]:
    """The issue id and translation key of one error of one device."""
    key = error.code if error.code in KNOWN_ERRORS else "device_error"
    if error.is_connected_account_error and device.connected_account_id:
        return f"{error.code}_{device.connected_account_id}", key
    return f"{error.code}_{device.device_id}", key


@callback
def async_update_repairs(hass: HomeAssistant, entry: SeamConfigEntry) -> None:
    """Make the repair issues match what Seam reports now."""
    registry = ir.async_get(hass)
    wanted: set[str] = set()
    for device in entry.runtime_data.coordinator.data.values():
        for error in device.errors:
            if error.code in NOT_REPAIRS:
                continue
            issue_id, key = _issue(device, error)
            issue_id = f"{entry.entry_id}_{issue_id}"
            wanted.add(issue_id)
            async_raise_issue(
                hass,
                issue_id,
                key,
                ir.IssueSeverity.ERROR,
                {
                    "name": device.name,
                    "code": error.code,
                    "message": error.message or error.code,
                    "workspace": entry.title,
                },
            )
    if cap_issue := _async_entity_cap_issue(hass, entry):
        wanted.add(cap_issue)
    for issue_id in [
        issue_id
        for (domain, issue_id) in registry.issues
        if domain == DOMAIN
        and issue_id.startswith(f"{entry.entry_id}_")
        # Booking codes' issues are their calendars' own to raise and clear.
        and not issue_id.startswith(f"{entry.entry_id}_{BOOKING_ISSUE_PREFIX}")
        and issue_id not in wanted
    ]:
        ir.async_delete_issue(hass, DOMAIN, issue_id)


@callback
def _async_entity_cap_issue(hass: HomeAssistant, entry: SeamConfigEntry) -> str | None:
    """Tell the user when the workspace has more locks than Home Assistant enables entities for."""
    plans = entry.runtime_data.coordinator.entity_plans.values()
    if all(plan.others_enabled for plan in plans):
        return None
    issue_id = f"{entry.entry_id}_entity_cap"
    async_raise_issue(
        hass,
        issue_id,
        "entity_cap",
        ir.IssueSeverity.WARNING,
        {
            "workspace": entry.title,
            "locks": str(len(plans)),
            "cap": str(entity_platform.MAX_ENABLED_ENTITIES_PER_CONFIG_ENTRY),
            "disabled_locks": str(sum(not plan.lock_enabled for plan in plans)),
        },
    )
    return issue_id


@callback
def async_clear_repairs(hass: HomeAssistant, entry: SeamConfigEntry) -> None:
    """The entry is removed: its issues go with it."""
    registry = ir.async_get(hass)
    for domain, issue_id in list(registry.issues):
        if domain == DOMAIN and issue_id.startswith(f"{entry.entry_id}_"):
            ir.async_delete_issue(hass, DOMAIN, issue_id)
