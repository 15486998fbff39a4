"""Tell the host a booking's door code, through the notify entity or action they chose.

This is the one place a PIN leaves Home Assistant's storage on purpose, and only to the target
the host picked. Nothing here logs it; a failure names the booking and the target only.
"""

from __future__ import annotations

from datetime import datetime

from homeassistant.components.notify.const import (
    ATTR_MESSAGE,
    ATTR_TITLE,
    DOMAIN as NOTIFY_DOMAIN,
    SERVICE_SEND_MESSAGE,
)
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.helpers import translation
from homeassistant.util import dt as dt_util

from .booking_store import BookingRecord
from .const import DOMAIN, LOGGER


def _local(value: datetime) -> str:
    return dt_util.as_local(value).strftime("%a %d %b %Y %H:%M")


def notify_targets(hass: HomeAssistant) -> list[tuple[str, str]]:
    """What the host can pick: notify entities (by id) and notify actions, with labels."""
    targets = [(state.entity_id, state.name) for state in hass.states.async_all(NOTIFY_DOMAIN)]
    entities = {entity_id for entity_id, _ in targets}
    for service in sorted(hass.services.async_services_for_domain(NOTIFY_DOMAIN)):
        action = f"{NOTIFY_DOMAIN}.{service}"
        if service not in (SERVICE_SEND_MESSAGE, "persistent_notification") and (
            action not in entities
        ):
            targets.append((action, action))
    return targets


async def async_notify_host(
    hass: HomeAssistant, target: str, label: str, record: BookingRecord, locks: str
) -> bool:
    """Send the booking's code to `target`; False (and a warning) when that fails."""
    strings = await translation.async_get_translations(
        hass, hass.config.language, "exceptions", {DOMAIN}
    )
    prefix = f"component.{DOMAIN}.exceptions"
    placeholders = {
        "booking": label,
        "code": record.pin or "",
        "locks": locks,
        "check_in": _local(record.starts_at),
        "check_out": _local(record.ends_at),
    }
    title = strings.get(f"{prefix}.booking_code_sent_title.message", "{booking}")
    message = strings.get(f"{prefix}.booking_code_sent.message", "{code}")
    data = {ATTR_TITLE: title.format(**placeholders), ATTR_MESSAGE: message.format(**placeholders)}
    domain, _, service = target.partition(".")
    if hass.states.get(target) is not None:
        domain, service, data = (
            NOTIFY_DOMAIN,
            SERVICE_SEND_MESSAGE,
            {ATTR_ENTITY_ID: target, **data},
        )
    try:
        await hass.services.async_call(domain, service, data, blocking=True)
    except Exception as err:
        # Only the error's kind: its words might quote the message, which holds the code.
        LOGGER.warning(
            "Could not send the door code of %s to %s (%s)", label, target, type(err).__name__
        )
        return False
    return True
