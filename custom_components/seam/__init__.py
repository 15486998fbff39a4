"""The Seam integration: smart locks of many brands through Seam's cloud API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_API_KEY, EVENT_HOMEASSISTANT_STOP, Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.typing import ConfigType

from .api import SeamClient
from .booking_calendars import BookingCalendars
from .booking_store import BookingStore
from .const import CONF_API_URL, CONF_SEAM_WEBHOOK_ID, DEFAULT_API_URL, DOMAIN
from .coordinator import SeamCoordinator
from .data import PushStatus
from .events import SeamEvents
from .locks import SeamLocks
from .paces import LockPaces
from .repairs import async_clear_repairs, async_update_repairs
from .runtime import SeamConfigEntry, SeamData
from .services import async_setup_services
from .webhook import SeamWebhooks, async_delete_cloudhook, async_delete_seam_webhook

PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.EVENT,
    Platform.LOCK,
    Platform.SENSOR,
]

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the access-code actions once, whatever the number of workspaces."""
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: SeamConfigEntry) -> bool:
    """Set up one Seam workspace: a 401 starts re-authentication, other failures retry later."""
    client = _client(hass, entry.data)
    push = PushStatus()
    # After a command the locks ask for a device-list read: the coordinator's, made next.
    locks = SeamLocks(hass, entry, client, push, lambda: coordinator.async_request_refresh())
    coordinator = SeamCoordinator(hass, entry, client, locks)
    await locks.paces.async_load()
    await coordinator.async_config_entry_first_refresh()
    events = SeamEvents(hass, entry.entry_id, coordinator, locks)
    webhooks = SeamWebhooks(hass, entry, coordinator, events, push)
    bookings = BookingCalendars(hass, entry, coordinator)
    entry.runtime_data = SeamData(client, coordinator, locks, webhooks, push, bookings)
    async_update_repairs(hass, entry)
    entry.async_on_unload(coordinator.async_add_listener(lambda: async_update_repairs(hass, entry)))
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    # Webhooks are set up in the background: locks work (polled) from the first moment.
    entry.async_on_unload(webhooks.async_stop)
    # Home Assistant stopping does not wait for Seam: commands under way stop at once.
    entry.async_on_unload(
        hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, callback(lambda _: locks.async_stop()))
    )
    entry.async_create_background_task(hass, webhooks.async_start(), "seam_webhooks")
    await bookings.async_start()
    # A booking calendar added, changed or removed: set the entry up again with it.
    calendars = BookingCalendars.settings_of(entry)
    entry.async_on_unload(
        entry.add_update_listener(
            lambda hass, entry: _async_reload_if_calendars_changed(hass, entry, calendars)
        )
    )
    return True


async def _async_reload_if_calendars_changed(
    hass: HomeAssistant, entry: SeamConfigEntry, calendars: dict[str, Any]
) -> None:
    """Reload for a change of booking calendars only (the entry also stores webhook ids)."""
    if BookingCalendars.settings_of(entry) != calendars:
        hass.config_entries.async_schedule_reload(entry.entry_id)


def _client(hass: HomeAssistant, data: Mapping[str, Any]) -> SeamClient:
    return SeamClient(
        async_get_clientsession(hass),
        data[CONF_API_KEY],
        base_url=data.get(CONF_API_URL, DEFAULT_API_URL),
    )


async def async_unload_entry(hass: HomeAssistant, entry: SeamConfigEntry) -> bool:
    """Unload a Seam workspace; commands under way stop first, so none outlives the entry."""
    entry.runtime_data.locks.async_stop()
    # What was learned is written now, so that a reload reads all of it.
    await entry.runtime_data.locks.paces.async_close()
    await entry.runtime_data.bookings.async_close()
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: SeamConfigEntry) -> None:
    """The entry is deleted: delete the Seam webhook it made and its cloudhook, once each."""
    async_clear_repairs(hass, entry)
    await LockPaces(hass, entry.entry_id).async_remove()
    await BookingStore(hass, entry.entry_id).async_remove()
    await async_delete_seam_webhook(_client(hass, entry.data), entry.data.get(CONF_SEAM_WEBHOOK_ID))
    await async_delete_cloudhook(hass, entry)


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: SeamConfigEntry, device_entry: dr.DeviceEntry
) -> bool:
    """Let the user delete a device only once Seam no longer lists it.

    Without a loaded entry there is no device list to ask: the device may go (a lock Seam
    still lists comes back at the next setup).
    """
    if entry.state is not ConfigEntryState.LOADED:
        return True
    return not any(
        domain == DOMAIN and device_id in entry.runtime_data.coordinator.data
        for domain, device_id in device_entry.identifiers
    )
